import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getJobContext } from '@livekit/agents';
import type { FailureLimitEvent, RoutingJob } from '@openrtc/nestjs';
import type { DispatchDouble } from '../support/dispatch-double.js';
import { isAlive } from '../support/process-alive.js';
import { until } from '../support/until.js';
import { startWorker, useWorkerHarness } from '../fixtures/worker-protocol.fixture.js';

const PROBE_APP = fileURLToPath(new URL('../fixtures/process-app/routing-probe-app.module.mjs', import.meta.url));
/** Nothing listens on port 1: the room connection is refused at once (the double has no SFU). */
const REFUSED_URL = 'ws://127.0.0.1:1';

interface Routed {
  pid: number;
  jobId: string;
  url: string;
  identity: string;
}

/** A custom router that records where it ran: it runs inside the session's entrypoint. */
function recordingRouter(routed: Routed[]) {
  return (job: RoutingJob) => {
    const { info } = getJobContext();
    routed.push({ pid: process.pid, jobId: job.id!, url: info.url, identity: info.acceptArguments.identity });
    return 'concierge';
  };
}

/** Accepts TCP connections and never answers: a room connect to it hangs (~16 s upstream). */
async function silentServer(): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections += 1;
    sockets.add(socket.on('error', () => undefined).on('close', () => sockets.delete(socket)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `ws://127.0.0.1:${port}`,
    connections: () => connections,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('worker assignment through the dispatch double', () => {
  const h = useWorkerHarness();

  const dispatch = async (spec: Parameters<DispatchDouble['offer']>[0], url: string) => {
    const answer = await h.double.dispatch(spec, { url, token: 'room-token' });
    expect(answer.available).toBe(true);
    h.assigned.push(answer.jobId);
    return answer.jobId;
  };

  it('coroutine: the assignment runs its session in the worker\'s own pid; a refused room connect ends it FAILED and removes it', async () => {
    const routed: Routed[] = [];
    const limits: FailureLimitEvent[] = [];
    h.worker = await startWorker(h.double, { router: recordingRouter(routed), consecutiveFailureLimit: 1, onFailureLimit: (event) => void limits.push(event) });
    const { pool, logger } = h.worker!;
    const jobId = await dispatch({ roomName: 'lobby' }, REFUSED_URL);

    await until(() => pool.stats().failed === 1, 30_000, 'the session to fail');
    expect(routed).toEqual([{ pid: process.pid, jobId, url: REFUSED_URL, identity: `agent-${jobId}` }]);
    expect(pool.stats()).toMatchObject({ activeSessions: 0, succeeded: 0, failed: 1, load: 0 });
    await until(() => limits.length === 1, 10_000, 'the supervisor to see the failure');
    expect(String((limits[0]!.lastError as Error).message)).toMatch(/Connection refused/);
    // Logged inside the call, so it carries the call's prefix (per-call log context).
    expect(logger.messages('error')).toContainEqual(expect.stringMatching(new RegExp(`^\\[concierge room=lobby job=${jobId}\\] Session for job '${jobId}' \\(agent 'concierge'\\) failed: .*Connection refused`)));

    // The room connect started @livekit/rtc-node's native runtime in this process; its callback
    // would keep the process alive after close. Closing the last coroutine worker releases it.
    const rtc = globalThis as { _ffiClientInstance?: unknown };
    expect(rtc._ffiClientInstance).toBeDefined();
    await h.worker.app.close();
    h.worker = undefined;
    expect(rtc._ffiClientInstance).toBeUndefined();
  }, 90_000);

  it('process: the assignment runs its session in a child pid; a refused room connect ends it FAILED and removes it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'openrtc-assignment-'));
    const probeFile = join(dir, 'routed.jsonl');
    const limits: FailureLimitEvent[] = [];
    try {
      h.worker = await startWorker(h.double, {
        isolation: 'process',
        appModule: { path: PROBE_APP, exportName: 'AppModule' },
        consecutiveFailureLimit: 1,
        onFailureLimit: (event) => void limits.push(event),
      });
      const { pool } = h.worker!;
      const jobId = await dispatch({ roomName: 'lobby', metadata: JSON.stringify({ probeFile }) }, REFUSED_URL);

      await until(() => pool.stats().failed === 1, 60_000, 'the session process to fail');
      const routed = readFileSync(probeFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Routed);
      expect(routed).toEqual([{ pid: expect.any(Number), jobId, url: REFUSED_URL, identity: `agent-${jobId}` }]);
      expect(routed[0]!.pid).not.toBe(process.pid);
      expect(pool.stats()).toMatchObject({ isolation: 'process', activeSessions: 0, succeeded: 0, failed: 1, load: 0 });
      await until(() => limits.length === 1, 10_000, 'the supervisor to see the failure');
      // The child reports only why it exits; the connect error itself is logged in the child.
      expect(String((limits[0]!.lastError as Error).message)).toMatch(/^session process ended: job crashed/);
      await until(() => !isAlive(routed[0]!.pid), 30_000, 'the session process to exit');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('coroutine: termination of a live job (room connect pending) ends the session and removes it', async () => {
    const routed: Routed[] = [];
    const room = await silentServer();
    try {
      h.worker = await startWorker(h.double, { router: recordingRouter(routed) });
      const { pool } = h.worker!;
      const jobId = await dispatch({ roomName: 'lobby' }, room.url);
      await until(() => room.connections() > 0, 30_000, 'the room connect to start');
      expect(routed.map((r) => r.jobId)).toEqual([jobId]);
      expect(pool.stats()).toMatchObject({ activeSessions: 1, load: 1 / 50 });

      h.double.terminate(jobId);
      // The executor waits up to 15 s (upstream's entrypoint grace) for the pending connect.
      await until(() => pool.stats().activeSessions === 0, 40_000, 'the terminated session to end');
      // Ended by the termination: the connect, had it been left to time out (~16 s), would count as failed.
      expect(pool.stats()).toMatchObject({ activeSessions: 0, load: 0, succeeded: 1, failed: 0 });
    } finally {
      await room.close();
    }
  }, 90_000);
});
