import type { FailureLimitEvent } from '@openrtc/nestjs';
import { startWorker, useWorkerHarness } from '../fixtures/worker-protocol.fixture.js';

// Routing is decided from the job at the offer: a job this worker cannot route is refused there, so
// LiveKit can give it to a worker that can, and it never counts as a failed session.
describe('offer-time routing through the dispatch double', () => {
  const h = useWorkerHarness();

  it('refuses offers that name an unknown agent, once each with the reason, counts none, and keeps serving', async () => {
    const limits: FailureLimitEvent[] = [];
    h.worker = await startWorker(h.double, { consecutiveFailureLimit: 2, onFailureLimit: (event) => void limits.push(event) });
    const { pool, logger } = h.worker;
    const refused = [];
    for (let i = 0; i < 6; i++) refused.push(await h.double.offer({ roomName: `call-${i}`, metadata: '{"agent":"Dental"}' }));
    refused.push(await h.double.offer({ roomName: 'call-room-meta', roomMetadata: '{"agent":"Dental"}' }));
    expect(refused.map((answer) => answer.available)).toEqual(Array(7).fill(false));
    expect(logger.messages('warn')).toEqual([
      ...refused.slice(0, 6).map((answer, i) => `Refusing job '${answer.jobId}' for room 'call-${i}': Unknown agent 'Dental' requested via job metadata.`),
      `Refusing job '${refused[6]!.jobId}' for room 'call-room-meta': Unknown agent 'Dental' requested via room metadata.`,
    ]);
    expect(logger.messages('error')).toEqual([]);
    expect(limits).toEqual([]);
    expect(pool.stats()).toMatchObject({ started: true, draining: false, failed: 0, consecutiveFailures: 0, load: 0 });
    // Jobs it can route are still taken.
    const routable = await h.double.offer({ roomName: 'call-ok', metadata: '{"agent":"bistro"}' });
    expect(routable.available).toBe(true);
    const byRoomName = await h.double.offer({ roomName: 'concierge-7' });
    expect(byRoomName.available).toBe(true);
  });

  it('with a custom router, the router decides in the session (it may read the job context)', async () => {
    h.worker = await startWorker(h.double, { router: () => 'concierge' });
    const answer = await h.double.offer({ roomName: 'lobby', metadata: '{"agent":"Dental"}' });
    expect(answer.available).toBe(true);
  });
});
