import 'reflect-metadata';
import { createServer } from 'node:net';
import { OpenRtcConfigError } from '@openrtc/nestjs';
import type { DispatchDouble } from '../support/dispatch-double.js';
import { startWorker, useWorkerHarness } from '../fixtures/worker-protocol.fixture.js';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe("LiveKit's worker health endpoint", () => {
  const h = useWorkerHarness();

  it('listens where the health option says, and reports the registered worker', async () => {
    const port = await freePort();
    h.worker = await startWorker(h.double, { health: { host: '127.0.0.1', port } });
    const health = await fetch(`http://127.0.0.1:${port}/`);
    expect(health.status).toBe(200);
    const info = await (await fetch(`http://127.0.0.1:${port}/worker`)).json();
    expect(info).toMatchObject({ agent_name: '', active_jobs: 0 });
  });

  it('rejects a port out of range, naming the option', async () => {
    await expect(startWorker(h.double, { health: { port: 70000 } })).rejects.toThrow(
      new OpenRtcConfigError("OpenRtcModule option 'health.port' must be a port number from 0 to 65535 (0: any free port), got 70000."),
    );
  });
});
