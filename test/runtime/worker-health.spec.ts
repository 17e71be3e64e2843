import 'reflect-metadata';
import { createServer } from 'node:net';
import { initializeLogger } from '@livekit/agents';
import { OpenRtcConfigError } from '@openrtc/nestjs';
import type { DispatchDouble } from '../support/dispatch-double.js';
import { clearOptionEnvironment, startDouble, startWorker, upstreamTimers, type Worker } from '../fixtures/worker-protocol.fixture.js';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe("LiveKit's worker health endpoint", () => {
  let double: DispatchDouble;
  let worker: Worker | undefined;
  let restoreEnv: () => void;
  const timers = upstreamTimers();

  beforeAll(() => initializeLogger({ pretty: false, level: 'fatal' }));
  beforeEach(async () => {
    restoreEnv = clearOptionEnvironment();
    double = await startDouble();
  });
  afterEach(async () => {
    await worker?.app.close();
    worker = undefined;
    timers.note(double);
    await double.close();
    restoreEnv();
  });
  afterAll(() => timers.settle());

  it('listens where the health option says, and reports the registered worker', async () => {
    const port = await freePort();
    worker = await startWorker(double, { health: { host: '127.0.0.1', port } });
    const health = await fetch(`http://127.0.0.1:${port}/`);
    expect(health.status).toBe(200);
    const info = await (await fetch(`http://127.0.0.1:${port}/worker`)).json();
    expect(info).toMatchObject({ agent_name: '', active_jobs: 0 });
  });

  it('rejects a port out of range, naming the option', async () => {
    await expect(startWorker(double, { health: { port: 70000 } })).rejects.toThrow(
      new OpenRtcConfigError("OpenRtcModule option 'health.port' must be a port number from 0 to 65535 (0: any free port), got 70000."),
    );
  });
});
