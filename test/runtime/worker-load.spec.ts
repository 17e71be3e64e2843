import { WorkerStatus } from '@livekit/protocol';
import { initializeLogger } from '@livekit/agents';
import type { DispatchDouble, LoadReport } from '../support/dispatch-double.js';
import { clearOptionEnvironment, startDouble, startWorker, upstreamTimers, type Worker } from '../fixtures/worker-protocol.fixture.js';

// What the real AgentServer reports in `updateWorker`: the module's load, active / maxConcurrentSessions.
describe('worker load reports through the dispatch double', () => {
  let double: DispatchDouble;
  let worker: Worker | undefined;
  let restoreEnvironment: () => void;
  const timers = upstreamTimers();

  beforeAll(() => initializeLogger({ pretty: false, level: 'fatal' }));
  beforeEach(async () => {
    restoreEnvironment = clearOptionEnvironment();
    double = await startDouble();
  });
  afterEach(async () => {
    await worker?.app.close();
    worker = undefined;
    timers.note(double);
    await double.close();
    restoreEnvironment();
  });
  afterAll(() => timers.settle());

  /** The first report sent after `since` (reports before it may predate the change). */
  const reportAfter = (since: number, timeoutMs = 6000): Promise<LoadReport> => double.waitForLoadReport((r) => r.at > since, timeoutMs);

  it('reports active / maxConcurrentSessions every 2.5 s: 0, 0.5, 1.0 (FULL) and back to 0', async () => {
    worker = await startWorker(double, { maxConcurrentSessions: 4 });
    const { pool } = worker;
    const registeredAt = double.registrations[0]!.at;

    const first = await reportAfter(0);
    expect(first).toMatchObject({ load: 0, status: WorkerStatus.WS_AVAILABLE });
    // The interval starts when the socket opens, just before registration.
    expect(first.at - registeredAt).toBeGreaterThan(2000);
    expect(first.at - registeredAt).toBeLessThan(4000);

    const sessions = [await pool.simulateSession({ agent: 'concierge' }), await pool.simulateSession({ agent: 'bistro' })];
    expect(pool.currentLoad()).toBe(0.5);
    const half = await reportAfter(Date.now());
    expect(half).toMatchObject({ load: 0.5, status: WorkerStatus.WS_AVAILABLE });

    sessions.push(await pool.simulateSession({ agent: 'concierge' }), await pool.simulateSession({ agent: 'bistro' }));
    expect(pool.stats()).toMatchObject({ activeSessions: 4, load: 1 });
    const full = await reportAfter(Date.now());
    expect(full).toMatchObject({ load: 1, status: WorkerStatus.WS_FULL });

    await Promise.all(sessions.map((session) => session.end()));
    expect(pool.stats()).toMatchObject({ activeSessions: 0, load: 0, succeeded: 4 });
    const idle = await reportAfter(Date.now());
    expect(idle).toMatchObject({ load: 0, status: WorkerStatus.WS_AVAILABLE });

    // One report per 2.5 s tick, none skipped or doubled.
    const reports = double.loadReports;
    const gaps = reports.slice(1).map((report, i) => report.at - reports[i]!.at);
    expect(reports.length).toBeGreaterThanOrEqual(4);
    for (const gap of gaps) {
      expect(gap).toBeGreaterThan(2000);
      expect(gap).toBeLessThan(4000);
    }
  });

  it('counts an accepted offer awaiting its assignment in the load', async () => {
    worker = await startWorker(double, { maxConcurrentSessions: 4 });
    const session = await worker.pool.simulateSession({ agent: 'concierge' });
    expect((await double.offer({ roomName: 'lobby' })).available).toBe(true);
    expect(worker.pool.currentLoad()).toBe(0.5);
    expect(await reportAfter(Date.now())).toMatchObject({ load: 0.5, status: WorkerStatus.WS_AVAILABLE });
    await session.end();
  });
});
