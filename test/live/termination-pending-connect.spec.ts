import { AgentDispatchClient, RoomServiceClient } from 'livekit-server-sdk';
import { CALL_SCRIPTS } from '../../sample/src/voice/scripted/call-scripts.js';
import { agentJobId, agentText, useCallers } from '../support/live/callers.js';
import { describeLive, uniqueRoom, useLiveServer } from '../support/live/live-server.js';
import { problems, startSampleWorker, type SampleWorker } from '../support/live/sample-worker.js';
import { startSignalProxy, type SignalProxy } from '../support/live/signal-proxy.js';
import { socketOwner } from '../support/live/socket-owner.js';
import { isAlive } from '../support/process-alive.js';
import { until } from '../support/until.js';

const AGENT_NAME = 'held-desk';

// Issue #11 item 9, first part: LiveKit terminates a job whose agent is still joining its room.
// The worker reaches the real livekit-server through a loopback TCP proxy that forwards every byte
// (the worker's /agent websocket, other rooms' signalling) but holds the signal connection of one
// room unanswered, so the agent's ctx.connect() for that room stays pending as if the signal server
// were unreachable. Deleting the job's dispatch makes LiveKit send the worker a termination
// (TERMINATION_REQUESTED). The session must end with that reason, free its slot, and the worker must
// serve the next call. Deleting the room instead sends no termination for an agent that never joined
// (LiveKit terminates a job when its agent participant leaves): that session ends when rtc-node gives
// up connecting, as a failed call.
describeLive('live: termination while ctx.connect() is pending', () => {
  const server = useLiveServer();
  const call = useCallers();
  const rooms = () => new RoomServiceClient(server().httpUrl, server().apiKey, server().apiSecret);
  const dispatches = () => new AgentDispatchClient(server().httpUrl, server().apiKey, server().apiSecret);

  describe.each(['coroutine', 'process'] as const)('%s isolation', (isolation) => {
    let proxy: SignalProxy | undefined;
    let worker: SampleWorker | undefined;
    beforeAll(async () => {
      proxy = await startSignalProxy(server());
      worker = await startSampleWorker({ ...server(), url: proxy.url }, isolation, { OPENRTC_AGENT_NAME: AGENT_NAME });
    }, 120_000);
    afterAll(async () => {
      await worker?.close();
      await proxy?.close();
    }, 120_000);

    /** A caller in a room whose agent is dispatched and stuck in ctx.connect(). */
    async function joiningAgent() {
      await until(() => worker!.pool.stats().activeSessions === 0, 30_000, 'an idle worker');
      const room = uniqueRoom('front-desk');
      proxy!.hold(room);
      const caller = await call({ server: server(), room });
      const dispatch = await dispatches().createDispatch(room, AGENT_NAME, { metadata: JSON.stringify({ agent: 'restaurant' }) });
      // The agent's signal connection for the room: held, so its connect() is pending now.
      const joining = await proxy!.agentConnection(room);
      expect(joining).toMatchObject({ held: true, path: expect.stringMatching(/^\/rtc/) });
      const jobId = joining.identity!.replace(/^agent-/, '');
      const ended = worker!.outcome(jobId);
      const owner = socketOwner(joining.clientPort);
      // Coroutine: the connect runs in this process; process: in the session's child.
      if (isolation === 'coroutine') expect(owner).toBe(process.pid);
      else {
        expect(owner).toEqual(expect.any(Number));
        expect(owner).not.toBe(process.pid);
      }
      expect(worker!.pool.stats().activeSessions).toBe(1);
      return { room, caller, dispatch, jobId, ended, owner: owner! };
    }

    async function expectReleased(room: string, jobId: string, owner: number) {
      await until(() => worker!.pool.stats().activeSessions === 0, 30_000, 'the slot to be released');
      if (isolation === 'process') await until(() => !isAlive(owner), 60_000, `the session process ${owner} to exit`);
      const left = await rooms().listParticipants(room).catch(() => []);
      expect(left.map((p) => p.identity)).not.toContain(`agent-${jobId}`);
    }

    /** Whether the worker still serves: a dispatched call in a room that is not held is greeted and ends cleanly. */
    async function expectNextCallServed() {
      const room = uniqueRoom('front-desk');
      const caller = await call({ server: server(), room });
      await dispatches().createDispatch(room, AGENT_NAME, { metadata: JSON.stringify({ agent: 'dental' }) });
      const jobId = await agentJobId(caller);
      const ended = worker!.outcome(jobId);
      await until(() => agentText(caller).includes(CALL_SCRIPTS.dental!.greeting), 60_000, `the dental greeting; worker: ${problems(worker)}`);
      await caller.leave();
      expect(await ended).toMatchObject({ jobId, status: 'success' });
    }

    /** How long the teardown waited (printed for the report; no timed assertion). */
    const report = (what: string, room: string, since: number, outcome: { status: string; reason: string }) => {
      const held = proxy!.connections.filter((c) => c.room === room);
      const now = performance.now();
      console.log(
        `[${isolation}] ${what} with ctx.connect() pending: the session ended ${((now - since) / 1000).toFixed(1)} s after it, ` +
          `${((now - held[0]!.at) / 1000).toFixed(1)} s after the connect began, as ${outcome.status} (${outcome.reason}); signal connections held: ${held.length}`,
      );
    };

    it("the dispatch is deleted: LiveKit's termination ends the session as 'shutdown request', its slot is freed, and the next call is served", async () => {
      const { room, caller, dispatch, jobId, ended, owner } = await joiningAgent();
      const terminatedAt = performance.now();
      await dispatches().deleteDispatch(dispatch.id, room);
      const outcome = await ended;
      report('dispatch deleted', room, terminatedAt, outcome);
      expect(outcome).toMatchObject({ jobId, status: 'success', reason: 'shutdown request' });
      await expectReleased(room, jobId, owner);
      await caller.leave();
      await expectNextCallServed();
    }, 180_000);

    it('the room is deleted: no termination comes for an agent still joining; the session fails when the connect gives up, and the next call is served', async () => {
      const { room, jobId, ended, owner } = await joiningAgent();
      const deletedAt = performance.now();
      await rooms().deleteRoom(room);
      const outcome = await ended;
      report('room deleted', room, deletedAt, outcome);
      expect(outcome).toMatchObject({ jobId, status: 'failed', reason: expect.stringMatching(/^job crashed/) });
      await expectReleased(room, jobId, owner);
      await expectNextCallServed();
    }, 180_000);

    it("the worker's outcomes add up", () => {
      expect(worker!.pool.stats()).toMatchObject({ isolation, activeSessions: 0, succeeded: 3, failed: 1 });
    });
  });
});
