import { WorkerStatus } from '@livekit/protocol';
import type { DispatchDouble, LoadReport } from '../support/dispatch-double.js';
import { startWorker, useWorkerHarness } from '../fixtures/worker-protocol.fixture.js';

// What the real AgentServer reports in `updateWorker`: the module's session load, active / maxConcurrentSessions.
describe('worker load reports through the dispatch double', () => {
  const h = useWorkerHarness();

  /** The first report sent after `since` (reports before it may predate the change). */
  const reportAfter = (since: number, timeoutMs = 6000): Promise<LoadReport> => h.double.waitForLoadReport((r) => r.at > since, timeoutMs);

  it('reports active / maxConcurrentSessions every 2.5 s: 0, 0.5, 1.0 (FULL) and back to 0', async () => {
    h.worker = await startWorker(h.double, { maxConcurrentSessions: 4 });
    const { pool } = h.worker!;
    const registeredAt = h.double.registrations[0]!.at;

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
    const reports = h.double.loadReports;
    const gaps = reports.slice(1).map((report, i) => report.at - reports[i]!.at);
    expect(reports.length).toBeGreaterThanOrEqual(4);
    for (const gap of gaps) {
      expect(gap).toBeGreaterThan(2000);
      expect(gap).toBeLessThan(4000);
    }
  });

  it('counts an accepted offer awaiting its assignment in the load', async () => {
    h.worker = await startWorker(h.double, { maxConcurrentSessions: 4 });
    const session = await h.worker.pool.simulateSession({ agent: 'concierge' });
    expect((await h.double.offer({ roomName: 'lobby' })).available).toBe(true);
    expect(h.worker.pool.currentLoad()).toBe(0.5);
    expect(await reportAfter(Date.now())).toMatchObject({ load: 0.5, status: WorkerStatus.WS_AVAILABLE });
    await session.end();
  });
});
