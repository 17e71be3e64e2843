import { RoomServiceClient } from 'livekit-server-sdk';
import { agentJobId, useCallers } from '../support/live/callers.js';
import { describeLive, uniqueRoom, useLiveServer } from '../support/live/live-server.js';
import { startSampleWorker, type SampleWorker } from '../support/live/sample-worker.js';
import { startSignalProxy, type SignalProxy } from '../support/live/signal-proxy.js';
import { socketOwner } from '../support/live/socket-owner.js';
import { isAlive } from '../support/process-alive.js';
import { sessionProcesses } from '../support/session-processes.js';
import { until } from '../support/until.js';

// Issue #11 item 9, second part: in process isolation the session's child process itself joins the
// real room. The worker reaches livekit-server through a loopback proxy that forwards every byte and
// notes each signal connection's token (room, identity) and client port; the operating system then
// says which process owns the agent's connection to the room. Process isolation: a session child of
// the worker (not the worker), which exits after the call. Coroutine isolation, as the control: the
// worker's own process.
describeLive('live: which process joins the room', () => {
  const server = useLiveServer();
  const call = useCallers();
  const rooms = () => new RoomServiceClient(server().httpUrl, server().apiKey, server().apiSecret);

  describe.each(['process', 'coroutine'] as const)('%s isolation', (isolation) => {
    let proxy: SignalProxy | undefined;
    let worker: SampleWorker | undefined;
    beforeAll(async () => {
      proxy = await startSignalProxy(server());
      worker = await startSampleWorker({ ...server(), url: proxy.url }, isolation);
    }, 120_000);
    afterAll(async () => {
      await worker?.close();
      await proxy?.close();
    }, 120_000);

    it(isolation === 'process' ? "the session's child process joins the room, and exits after the call" : "the worker's own process joins the room", async () => {
      const room = uniqueRoom('restaurant');
      const caller = await call({ server: server(), room });
      const jobId = await agentJobId(caller);
      const ended = worker!.outcome(jobId);
      // The agent is in the room and the caller hears it: its signal connection is open now.
      expect((await caller.waitFor('agent-audio', undefined, 60_000)).rms).toBeGreaterThan(300);
      expect((await rooms().listParticipants(room)).map((p) => p.identity)).toContain(`agent-${jobId}`);
      const signal = await proxy!.agentConnection(room);
      expect(signal).toMatchObject({ identity: `agent-${jobId}`, held: false, path: expect.stringMatching(/^\/rtc/) });
      const owner = socketOwner(signal.clientPort);
      console.log(`[${isolation}] the room's signal connection of agent-${jobId} is owned by pid ${owner}; the worker is pid ${process.pid}`);
      expect(owner).toEqual(expect.any(Number));
      if (isolation === 'coroutine') {
        expect(owner).toBe(process.pid);
      } else {
        expect(owner).not.toBe(process.pid);
        // A job process forked by this worker (upstream's job_proc_lazy_main), not some other process.
        expect(sessionProcesses(process.pid).map((p) => p.pid)).toContain(owner);
      }
      await caller.leave();
      expect(await ended).toMatchObject({ jobId, status: 'success' });
      if (isolation === 'process') await until(() => !isAlive(owner!), 60_000, `the session process ${owner} to exit after the call`);
      else expect(isAlive(process.pid)).toBe(true);
    }, 180_000);
  });
});
