import { JobType } from '@livekit/protocol';
import { OpenRtcSetupError } from '@openrtc/nestjs';
import type { DispatchDouble } from '../support/dispatch-double.js';
import { API_KEY, API_SECRET, startWorker, useWorkerHarness } from '../fixtures/worker-protocol.fixture.js';

// The module's own AgentServer registering with the worker-protocol double on loopback.
describe('worker registration through the dispatch double', () => {
  const h = useWorkerHarness();

  it('app.init() registers for automatic dispatch (no agentName)', async () => {
    h.worker = await startWorker(h.double);
    // init resolved only once the worker was registered: no waiting needed here.
    expect(h.double.registrations).toHaveLength(1);
    const [registration] = h.double.registrations;
    expect(registration).toMatchObject({ agentName: '', type: JobType.JT_ROOM, version: '1.9.0' });
    expect(registration!.allowedPermissions).toMatchObject({ agent: true, canPublish: true, canSubscribe: true });
    expect(h.double.received[0]?.case).toBe('register');
    expect(h.double.authFailures).toBe(0);
    expect(h.worker.pool.stats()).toMatchObject({ started: true, draining: false, activeSessions: 0 });
    expect(h.worker.logger.messages('log')).toContain('Registered with LiveKit (coroutine isolation).');
    // Automatic dispatch: an offer with no agent name reaches this h.worker.
    expect((await h.double.offer({ roomName: 'lobby' })).available).toBe(true);
  });

  it('pool.start() registers for explicit dispatch under agentName', async () => {
    h.worker = await startWorker(h.double, { agentName: 'front-of-house', autoStart: false });
    expect(h.double.registrations).toHaveLength(0);
    expect(h.worker.pool.stats().started).toBe(false);
    await h.worker.pool.start();
    expect(h.double.registrations).toHaveLength(1);
    expect(h.double.registrations[0]).toMatchObject({ agentName: 'front-of-house', type: JobType.JT_ROOM });
    const answer = await h.double.offer({ roomName: 'lobby', agentName: 'front-of-house' });
    expect(answer).toMatchObject({ available: true, participantAttributes: { 'lk.agent.name': 'front-of-house' } });
    // Explicit dispatch only: the double routes unnamed jobs to no h.worker.
    await expect(h.double.offer({ roomName: 'lobby' })).rejects.toThrow(/no worker registered for agent name ""/);
  });

  it('two apps on one host register side by side (each health server takes its own free port)', async () => {
    h.worker = await startWorker(h.double, { agentName: 'front-of-house' });
    const second = await startWorker(h.double, { agentName: 'bistro-only' });
    try {
      expect(h.double.registrations.map((r) => r.agentName).sort()).toEqual(['bistro-only', 'front-of-house']);
      expect((await h.double.offer({ roomName: 'lobby', agentName: 'bistro-only' })).available).toBe(true);
    } finally {
      await second.app.close();
    }
  });

  it('missing credentials fail pool.start() with an error that names LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET', async () => {
    h.worker = await startWorker(undefined, { autoStart: false });
    const error = await h.worker.pool.start().then(() => undefined, (e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error!.message).toContain('LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET');
    expect(h.worker.pool.stats().started).toBe(false);
    expect(h.double.registrations).toHaveLength(0);
  });

  it('a partial set of credentials names only what is missing', async () => {
    process.env.LIVEKIT_URL = h.double.url;
    h.worker = await startWorker(undefined, { autoStart: false });
    const error = await h.worker.pool.start().then(() => undefined, (e: Error) => e);
    expect(error?.message).toMatch(/set LIVEKIT_API_KEY, LIVEKIT_API_SECRET \(/);
    expect(error?.message).not.toContain('LIVEKIT_URL');
  });

  it('credentials LiveKit refuses (401) fail pool.start() once, naming LIVEKIT_API_KEY and LIVEKIT_API_SECRET, without upstream\'s ~80 s of retries', async () => {
    const wrong = 'not-the-secret-0123456789';
    h.worker = await startWorker(undefined, { autoStart: false, livekit: { url: h.double.url, apiKey: API_KEY, apiSecret: wrong } });
    const error = await h.worker.pool.start().then(() => undefined, (e: Error) => e);
    expect(error).toBeInstanceOf(OpenRtcSetupError);
    // Upstream alone would reject only after its 10th retry, with "failed to connect ... after 10 attempts".
    expect(error?.message).toBe(
      `LiveKit at ${h.double.url} refused the worker's credentials (401 Unauthorized): check LIVEKIT_API_KEY and LIVEKIT_API_SECRET ` +
        '(or OpenRtcModule option livekit: { apiKey, apiSecret }); they must be an API key and its secret of that LiveKit server or project.',
    );
    expect(error?.message).not.toContain(wrong);
    expect(h.double.authFailures).toBeGreaterThanOrEqual(1);
    expect(h.double.registrations).toHaveLength(0);
    expect(h.worker.logger.messages('error')).toEqual([]); // said once, by the rejection
    expect(h.worker.pool.stats().started).toBe(false);
  });

  it('re-registers with a new worker id after the double drops the connection, and keeps serving offers', async () => {
    h.worker = await startWorker(h.double, { agentName: 'front-of-house' });
    const first = h.double.registrations[0]!;
    const dropped = Date.now();
    h.double.dropConnection();
    const second = await h.double.waitForRegistration(2);
    expect(second.workerId).not.toBe(first.workerId);
    expect(second.agentName).toBe('front-of-house');
    expect(second.at - dropped).toBeGreaterThan(1500); // upstream waits 2 s before reconnecting
    expect(h.worker.pool.stats()).toMatchObject({ started: true, draining: false });
    const answer = await h.double.offer({ roomName: 'after-drop', agentName: 'front-of-house' });
    expect(answer.available).toBe(true);
    expect(answer.participantIdentity).toBe(`agent-${answer.jobId}`);
  });
});
