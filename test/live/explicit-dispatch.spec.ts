import { AgentDispatchClient, RoomServiceClient } from 'livekit-server-sdk';
import { CALL_SCRIPTS } from '../../sample/src/voice/scripted/call-scripts.js';
import { agentJobId, agentText, useCallers } from '../support/live/callers.js';
import { describeLive, uniqueRoom, useLiveServer } from '../support/live/live-server.js';
import { startSampleWorker, type SampleWorker } from '../support/live/sample-worker.js';

const AGENT_NAME = 'harbor-front-desk';

// Issue #11 item 2: a worker registered for explicit dispatch (OPENRTC_AGENT_NAME) gets no job for a
// room it was not dispatched to; AgentDispatchClient.createDispatch with metadata {"agent":"dental"}
// routes by job metadata, and a room's metadata routes likewise. The room names here name no agent,
// so only the metadata can pick dental (the fallback would be restaurant, the first registered).
describeLive('live: explicit dispatch, routing by job and room metadata', () => {
  const server = useLiveServer();
  const call = useCallers();
  const dispatches = () => new AgentDispatchClient(server().httpUrl, server().apiKey, server().apiSecret);
  const rooms = () => new RoomServiceClient(server().httpUrl, server().apiKey, server().apiSecret);

  describe.each(['coroutine', 'process'] as const)('%s isolation', (isolation) => {
    let worker: SampleWorker | undefined;
    beforeAll(async () => {
      worker = await startSampleWorker(server(), isolation, { OPENRTC_AGENT_NAME: AGENT_NAME });
    }, 120_000);
    afterAll(async () => worker?.close(), 60_000);

    it('job metadata {"agent":"dental"} on createDispatch routes to the dental agent', async () => {
      const room = uniqueRoom('front-desk');
      const caller = await call({ server: server(), room });
      // Joined, and no agent came: a named worker takes only explicit dispatches.
      expect(worker!.pool.stats().activeSessions).toBe(0);
      const dispatch = await dispatches().createDispatch(room, AGENT_NAME, { metadata: JSON.stringify({ agent: 'dental' }) });
      expect(dispatch.agentName).toBe(AGENT_NAME);
      const jobId = await agentJobId(caller);
      const ended = worker!.outcome(jobId);
      await caller.waitFor('transcription', (e) => e.speaker === 'agent' && e.text.includes('Harbor Dental'));
      expect(agentText(caller)).toContain(CALL_SCRIPTS.dental!.greeting);
      await caller.waitFor('agent-audio');
      if (isolation === 'coroutine') expect(worker!.logs.messages('log')).toContainEqual(`[dental room=${room} job=${jobId}] Resolved agent 'dental' via job metadata for job '${jobId}'.`);
      await caller.leave();
      expect(await ended).toMatchObject({ status: 'success' });
    }, 120_000);

    it('room metadata {"agent":"dental"} routes a token dispatch that carries no job metadata', async () => {
      const room = uniqueRoom('front-desk');
      // The caller's token creates the room with that metadata and asks LiveKit for the named agent.
      const caller = await call({ server: server(), room, dispatch: { agentName: AGENT_NAME }, roomMetadata: JSON.stringify({ agent: 'dental' }) });
      expect((await rooms().listRooms([room]))[0]?.metadata).toBe(JSON.stringify({ agent: 'dental' }));
      const jobId = await agentJobId(caller);
      const ended = worker!.outcome(jobId);
      await caller.waitFor('transcription', (e) => e.speaker === 'agent' && e.text.includes('Harbor Dental'));
      expect(agentText(caller)).toContain(CALL_SCRIPTS.dental!.greeting);
      if (isolation === 'coroutine') expect(worker!.logs.messages('log')).toContainEqual(`[dental room=${room} job=${jobId}] Resolved agent 'dental' via room metadata for job '${jobId}'.`);
      await caller.leave();
      expect(await ended).toMatchObject({ status: 'success' });
    }, 120_000);
  });
});
