import type { JobRequest } from '@livekit/agents';
import type { DispatchDouble } from '../support/dispatch-double.js';
import { startWorker, useWorkerHarness } from '../fixtures/worker-protocol.fixture.js';

// Availability requests from the h.double, answered by the module's request filter on the real AgentServer.
describe('worker availability through the dispatch double', () => {
  const h = useWorkerHarness();

  it('accepts an offer with the participant identity agent-<jobId>', async () => {
    h.worker = await startWorker(h.double);
    const answer = await h.double.offer({ roomName: 'lobby' });
    expect(answer).toEqual({
      jobId: answer.jobId,
      available: true,
      participantIdentity: `agent-${answer.jobId}`,
      participantName: '',
      participantMetadata: '',
      participantAttributes: { 'lk.agent.name': '' },
    });
    expect(h.worker.logger.messages('warn')).toEqual([]);
  });

  it('refuses an offer the requestFilter rejects, after showing it the job', async () => {
    const seen: Array<{ id: string; room?: string; metadata: string }> = [];
    h.worker = await startWorker(h.double, {
      requestFilter: async (request: JobRequest) => {
        seen.push({ id: request.id, room: request.room?.name, metadata: request.job.metadata });
        await request.reject();
      },
    });
    const answer = await h.double.offer({ roomName: 'vip-lounge', metadata: '{"tier":"gold"}' });
    expect(answer).toMatchObject({ available: false, participantIdentity: '' });
    expect(seen).toEqual([{ id: answer.jobId, room: 'vip-lounge', metadata: '{"tier":"gold"}' }]);
    expect(() => h.double.assign(answer.jobId)).toThrow(/not accepted/);
  });

  it('refuses, promptly and with a warning, an offer the requestFilter neither accepts nor rejects', async () => {
    let calls = 0;
    h.worker = await startWorker(h.double, { requestFilter: () => void calls++ });
    // Upstream alone would never answer this offer (the double would give up and fail the test).
    const answer = await h.double.offer({ roomName: 'lobby' });
    expect(answer.available).toBe(false);
    expect(calls).toBe(1);
    expect(h.worker.logger.messages('warn')).toEqual([
      `requestFilter neither accepted nor rejected job '${answer.jobId}'; rejecting it. Call request.accept() or request.reject().`,
    ]);
  });

  it('refuses an offer whose requestFilter throws, and logs the error', async () => {
    h.worker = await startWorker(h.double, {
      requestFilter: async () => {
        throw new Error('guest list unavailable');
      },
    });
    const answer = await h.double.offer({ roomName: 'lobby' });
    expect(answer.available).toBe(false);
    expect(h.worker.logger.messages('error')).toEqual([`requestFilter threw for job '${answer.jobId}'; rejecting it: guest list unavailable`]);
    // The worker is still serving: the next offer gets an answer too.
    expect((await h.double.offer({ roomName: 'lobby' })).available).toBe(false);
  });

  it('acceptOnlyRegisteredRooms accepts rooms an agent owns and refuses the rest', async () => {
    h.worker = await startWorker(h.double, { acceptOnlyRegisteredRooms: true });
    const offer = async (spec: Parameters<DispatchDouble['offer']>[0]) => (await h.double.offer(spec)).available;
    expect(await offer({ roomName: 'bistro-x' })).toBe(true);
    expect(await offer({ roomName: 'concierge-7' })).toBe(true);
    expect(await offer({ roomName: 'lobby', metadata: '{"agent":"concierge"}' })).toBe(true);
    expect(await offer({ roomName: 'lobby', roomMetadata: '{"agent":"bistro"}' })).toBe(true);
    expect(await offer({ roomName: 'lobby' })).toBe(false);
    expect(await offer({ roomName: 'bistrot-1' })).toBe(false);
    // Metadata naming an agent that is not registered: not ours, even in a room an agent owns.
    // (Refused before the filter runs: this worker cannot route it at all.)
    expect(await offer({ roomName: 'bistro-x', metadata: '{"agent":"ghost"}' })).toBe(false);
    expect(h.worker.logger.messages('log').filter((m) => m.includes('no registered agent owns it'))).toHaveLength(2);
    expect(h.worker.logger.messages('warn')).toEqual([expect.stringMatching(/^Refusing job '.+' for room 'bistro-x': Unknown agent 'ghost' requested via job metadata\.$/)]);
  });

  it('refuses offers while draining', async () => {
    h.worker = await startWorker(h.double);
    expect((await h.double.offer({ roomName: 'lobby' })).available).toBe(true);
    await h.worker.pool.drain();
    expect(h.worker.pool.stats().draining).toBe(true);
    const answer = await h.double.offer({ roomName: 'lobby' });
    expect(answer.available).toBe(false);
  });

  it('refuses offers at maxConcurrentSessions, counting simulated sessions and accepted offers, and accepts again once one ends', async () => {
    h.worker = await startWorker(h.double, { maxConcurrentSessions: 2 });
    const { pool } = h.worker!;
    const sessions = [await pool.simulateSession({ agent: 'concierge' }), await pool.simulateSession({ agent: 'concierge' })];
    expect(pool.stats().activeSessions).toBe(2);
    const refused = await h.double.offer({ roomName: 'lobby' });
    expect(refused.available).toBe(false);
    expect(h.worker.logger.messages('warn')).toContain(`Rejecting job '${refused.jobId}' for room 'lobby': maxConcurrentSessions (2) reached.`);

    expect(await sessions[0]!.end()).toMatchObject({ status: 'success' });
    expect(pool.stats().activeSessions).toBe(1);
    expect((await h.double.offer({ roomName: 'lobby' })).available).toBe(true);
    // The accepted offer holds the freed slot until its assignment arrives.
    expect((await h.double.offer({ roomName: 'lobby' })).available).toBe(false);
    expect(pool.currentLoad()).toBe(1);
    await sessions[1]!.end();
  });
});
