import { WorkerStatus } from '@livekit/protocol';
import { until } from '../support/until.js';
import { burnLoop } from '../fixtures/loop-burner.js';
import { startWorker, useWorkerHarness } from '../fixtures/worker-protocol.fixture.js';

// Admission by headroom: with the event loop made busy on purpose, the real AgentServer refuses
// offers (counted as 'headroom') and reports FULL; once the loop is calm again it accepts them.
describe('admission by event-loop headroom through the dispatch double', () => {
  const h = useWorkerHarness();
  let burner: { stop(): void } | undefined;
  afterEach(() => burner?.stop());

  it('refuses offers while the loop is busy, reports FULL, and accepts again once it is calm', async () => {
    // The default limits (the worker fixture turns them off for the other specs).
    h.worker = await startWorker(h.double, { maxConcurrentSessions: 10, maxEventLoopUtilization: 0.7, maxCpuUtilization: 0.9 });
    const { pool, logger } = h.worker;
    await until(() => pool.stats().headroom.eventLoopUtilization !== undefined && !pool.stats().headroom.exhausted, 30_000, 'a first calm reading');

    burner = burnLoop(0.95);
    await until(() => pool.stats().headroom.exhausted === 'event loop', 30_000, 'the busy loop to show in the reading');
    const busySince = Date.now();
    const refused = await h.double.offer({ roomName: 'busy-room' });
    expect(refused.available).toBe(false);
    expect(pool.stats().refusals).toMatchObject({ headroom: 1, capacity: 0, draining: 0 });
    expect(pool.stats().activeSessions).toBe(0);
    expect(logger.messages('warn').join('\n')).toMatch(/Rejecting job '.+' for room 'busy-room': no headroom: event-loop utilization 0\.\d\d .*maxEventLoopUtilization \(0\.7\)/);
    // Not a session too many: the load is headroom's, and LiveKit hears FULL.
    expect(pool.stats().load).toBe(0);
    const full = await h.double.waitForLoadReport((r) => r.at > busySince && r.status === WorkerStatus.WS_FULL, 30_000);
    expect(full.load).toBe(1);

    burner.stop();
    // Well below the limit, so the reading at the offer (a moment later) is still under it.
    await until(() => (pool.stats().headroom.eventLoopUtilization ?? 1) < 0.5, 30_000, 'the loop to calm down');
    const calmSince = Date.now();
    const calm = await h.double.offer({ roomName: 'calm-room' });
    expect({ available: calm.available, refusals: logger.messages('warn').filter((m) => m.includes('calm-room')) }).toEqual({ available: true, refusals: [] });
    expect(pool.stats().refusals.headroom).toBe(1);
    const available = await h.double.waitForLoadReport((r) => r.at > calmSince && r.status === WorkerStatus.WS_AVAILABLE, 30_000);
    expect(available.load).toBeLessThan(1);
  });

  it('maxEventLoopUtilization false: a busy loop refuses nothing', async () => {
    h.worker = await startWorker(h.double, { maxConcurrentSessions: 10, maxEventLoopUtilization: false, maxCpuUtilization: false });
    const { pool } = h.worker;
    burner = burnLoop(0.95);
    // Wait until a reading exists and shows the busy loop, so the offer is decided on it.
    await until(() => (pool.stats().headroom.eventLoopUtilization ?? 0) >= 0.7, 30_000, 'the busy loop to show in the reading');
    expect(pool.stats().headroom.exhausted).toBeUndefined();
    expect((await h.double.offer({ roomName: 'busy-room' })).available).toBe(true);
    expect(pool.stats().refusals.headroom).toBe(0);
  });
});
