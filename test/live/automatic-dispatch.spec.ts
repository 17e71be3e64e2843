import { CALL_SCRIPTS } from '../../sample/src/voice/scripted/call-scripts.js';
import { agentJobId, agentText, useCallers } from '../support/live/callers.js';
import { describeLive, uniqueRoom, useLiveServer } from '../support/live/live-server.js';
import { problems, startSampleWorker, type SampleWorker } from '../support/live/sample-worker.js';

// Issue #11 item 1: a caller joins `restaurant-<n>` on a real livekit-server; LiveKit's automatic
// dispatch offers the job to the sample worker (registered with no agent name), which routes it by
// the room-name prefix; the restaurant agent greets, and the caller hears it (non-silent audio on the
// agent's track, over WebRTC) and reads the greeting on LiveKit's transcription text stream.
describeLive('live: automatic dispatch and routing by room name', () => {
  const server = useLiveServer();
  const call = useCallers();

  describe.each(['coroutine', 'process'] as const)('%s isolation', (isolation) => {
    let worker: SampleWorker | undefined;
    beforeAll(async () => {
      worker = await startSampleWorker(server(), isolation);
    }, 120_000);
    afterAll(async () => worker?.close(), 60_000);

    it('the restaurant agent takes restaurant-<n>, greets, and the caller hears it and reads its words', async () => {
      const room = uniqueRoom('restaurant');
      const caller = await call({ server: server(), room });
      const jobId = await agentJobId(caller);
      const ended = worker!.outcome(jobId);
      const heard = await caller.waitFor('agent-audio', undefined, 60_000);
      expect(heard.rms).toBeGreaterThan(300);
      const greeting = CALL_SCRIPTS.restaurant!.greeting;
      await caller.waitFor('transcription', (e) => e.speaker === 'agent' && e.text.includes('Harbor Bistro'), 60_000).catch((error) => {
        throw new Error(`${error.message}\nworker: ${problems(worker)}`);
      });
      expect(agentText(caller)).toContain(greeting);
      // The dental agent would have said its own greeting: the words prove the route.
      expect(agentText(caller)).not.toContain(CALL_SCRIPTS.dental!.greeting);
      if (isolation === 'coroutine') {
        expect(worker!.logs.messages('log')).toContainEqual(`[restaurant room=${room} job=${jobId}] Resolved agent 'restaurant' via room name prefix for job '${jobId}'.`);
      }
      expect(worker!.pool.stats()).toMatchObject({ isolation, activeSessions: 1 });
      await caller.leave();
      expect(await ended).toMatchObject({ jobId, status: 'success' });
    }, 120_000);
  });
});
