import { startLiveKitServer, type LiveKitServer } from '../../scripts/livekit-server.mjs';
import { CALL_SCRIPTS } from '../../sample/src/voice/scripted/call-scripts.js';
import type { CallerHandle } from '../../scripts/live-caller.mjs';
import { useCallers } from '../support/live/callers.js';
import { LIVE_MODE, uniqueRoom } from '../support/live/live-server.js';
import { jobOf, roomJobs } from '../support/live/room-jobs.js';
import { useWorkerProcesses, type WorkerProcess } from '../support/live/worker-process.js';
import { until } from '../support/until.js';

// Issue #11 item 8: LiveKit's own dispatcher spreads rooms over two `openrtc start` workers (real
// processes, each its own rtc-node runtime) with maxConcurrentSessions 2. Our side: each worker
// reports load = sessions / 2 (FULL at 2) and refuses offers beyond 2, so 4 rooms end up 2 and 2.
//
// What livekit-server v1.13.5 does with a room that arrives while every worker is full (read in
// pkg/service/agentservice.go AgentHandler.JobRequest, pkg/agent/client.go LaunchJob and
// pkg/rtc/room.go launchRoomAgents, and seen here): it picks workers whose last status is
// AVAILABLE, weighted by 1 - load, offers the job, and on a refusal ("worker not available") tries
// the next; when none is left it logs "no worker available to handle job" (error "no workers with
// sufficient capacity") and gives up. There is no queue and no retry: the room keeps its dispatch
// with no job, and no agent ever joins it, even after a worker frees a slot. A room job is launched
// only when the room is created (or when a new dispatch is added with AgentDispatchClient). A
// caller who arrives while all workers are full waits alone until it leaves: capacity has to be
// there before the call (more workers, or a higher maxConcurrentSessions).
describe(LIVE_MODE === 'local' ? 'live: scale-out on LiveKit\'s dispatcher' : 'live: scale-out (needs a local livekit-server: it reads its log)', () => {
  if (LIVE_MODE !== 'local') {
    it.skip('needs a livekit-server started by the suite', () => undefined);
    return;
  }
  let server: LiveKitServer | undefined;
  const serverLog: string[] = [];
  beforeAll(async () => {
    server = await startLiveKitServer({ binary: process.env.OPENRTC_LIVE_SERVER_BIN, onLog: (line) => serverLog.push(line) });
  }, 60_000);
  afterAll(async () => server?.stop(), 30_000);
  const call = useCallers();
  const startWorker = useWorkerProcesses();

  /** The worker's FULL/available transitions, as @livekit/agents logs them (through Nest's logger) when it reports its load. */
  const transitions = (worker: WorkerProcess) => [...worker.cli.stdout.matchAll(/worker is (at full capacity|below capacity)/g)].map((m) => (m[1] === 'below capacity' ? 'available' : 'full'));
  const greeted = (caller: CallerHandle) => {
    const agent = caller.room.startsWith('dental') ? 'dental' : 'restaurant';
    return caller.waitFor('transcription', (e) => e.speaker === 'agent' && e.text.includes(CALL_SCRIPTS[agent]!.greeting), 150_000);
  };

  describe.each(['coroutine', 'process'] as const)('%s isolation', (isolation) => {
    it('4 rooms go 2 and 2; a fifth, while both are full, is given up (no retry); after a SIGKILL the survivor takes new rooms', async () => {
      const settings = { OPENRTC_MAX_CONCURRENT_SESSIONS: '2', ...(isolation === 'process' ? { OPENRTC_IDLE_PROCESSES: '2' } : {}) };
      const [a, b] = await Promise.all([startWorker(server!, isolation, settings), startWorker(server!, isolation, settings)]);
      const byId = new Map([[a!.workerId, a!], [b!.workerId, b!]]);

      // Four rooms at once: whatever LiveKit offers where, each worker ends up with exactly two.
      const first = await Promise.all(['restaurant', 'dental', 'restaurant', 'dental'].map((agent) => call({ server: server!, room: uniqueRoom(agent), joinTimeoutMs: 60_000 })));
      const placed = await Promise.all(first.map(async (caller) => ({ caller, worker: byId.get((await jobOf(server!, caller.room, 150_000)).workerId)! })));
      expect(placed.filter((p) => p.worker === a).length).toBe(2);
      expect(placed.filter((p) => p.worker === b).length).toBe(2);
      await Promise.all(first.map(greeted));
      // Both report FULL to LiveKit (load 2/2).
      await until(() => transitions(a!).at(-1) === 'full' && transitions(b!).at(-1) === 'full', 120_000, 'both workers to report FULL');

      // A fifth room while both are full: LiveKit finds no worker and gives its job up.
      // (With every worker FULL the job request finds no taker already at the RPC layer: the agent
      // service's affinity is 0, and the room's LaunchJob logs "failed to send job request". When a
      // worker's FULL report has not arrived yet, the offer is refused and the agent service logs
      // "no worker available to handle job". Either way the job is dropped.)
      const seen = serverLog.length;
      const fifth = await call({ server: server!, room: uniqueRoom('restaurant') });
      const givenUp = () => serverLog.slice(seen).find((line) => /failed to send job request|no worker available to handle job/.test(line));
      await until(() => givenUp() !== undefined, 60_000, `LiveKit giving up on ${fifth.room}`).catch((error) => {
        throw new Error(`${error.message}; the server said since:\n${serverLog.slice(seen).filter((line) => /agent|job|dispatch/i.test(line)).join('\n')}`);
      });
      expect(await roomJobs(server!, fifth.room)).toEqual({ dispatches: 1, jobs: [] });

      // A slot frees on worker a; it reports available again, and the next new room goes to it...
      const leaving = placed.find((p) => p.worker === a)!.caller;
      await leaving.leave();
      await until(() => transitions(a!).at(-1) === 'available', 60_000, 'worker a to report it is below capacity');
      const sixth = await call({ server: server!, room: uniqueRoom('dental') });
      expect((await jobOf(server!, sixth.room, 150_000)).workerId).toBe(a!.workerId);
      await greeted(sixth);
      // ...while the fifth room, which arrived earlier, was never tried again: still no job, no agent.
      expect(await roomJobs(server!, fifth.room)).toEqual({ dispatches: 1, jobs: [] });
      expect(fifth.all('agent-track')).toEqual([]);
      expect(fifth.all('participant-joined', (e) => e.agent)).toEqual([]);

      // Worker b is killed outright (SIGKILL, no drain) while it has room to spare: its calls hang
      // up first, so LiveKit would still pick it if it had not noticed the worker is gone.
      const onB = placed.filter((p) => p.worker === b).map((p) => p.caller);
      await Promise.all(onB.map((caller) => caller.leave()));
      await until(() => transitions(b!).at(-1) === 'available', 60_000, 'worker b to report it is below capacity');
      await b!.cli.killTree();
      // Worker a frees its slots too, so it can take two new rooms.
      await Promise.all([...placed.filter((p) => p.worker === a).map((p) => p.caller), sixth].map((caller) => caller.leave()));
      await until(() => transitions(a!).at(-1) === 'available', 60_000, 'worker a to report it is below capacity');
      const after = await Promise.all(['restaurant', 'dental'].map((agent) => call({ server: server!, room: uniqueRoom(agent) })));
      for (const caller of after) expect((await jobOf(server!, caller.room, 150_000)).workerId).toBe(a!.workerId);
      await Promise.all(after.map(greeted));
      expect(a!.exited).toBe(false);
      await Promise.all([...after, fifth].map((caller) => caller.leave()));
    }, 600_000);
  });
});
