import { CALL_SCRIPTS } from '../../sample/src/voice/scripted/call-scripts.js';
import { agentJobId, answerHeard, useCallers } from '../support/live/callers.js';
import { describeLive, uniqueRoom, useLiveServer } from '../support/live/live-server.js';
import { jobOf } from '../support/live/room-jobs.js';
import { useWorkerProcesses } from '../support/live/worker-process.js';

const GREETING = CALL_SCRIPTS.restaurant!.greeting;
const ANSWER = /All set: "?table for 2 at 20:00, booking number R-\d+"?\. See you tonight!/;

// Issue #11 item 7: SIGTERM to a real `openrtc start` worker (the built CLI on the built sample)
// while it carries a call. It tells LiveKit it is full and refuses offers while it drains, so
// LiveKit sends new rooms to the second registered worker; the call in flight goes on (it is
// answered after the signal) until the caller hangs up; then the process closes and exits 143,
// like LiveKit's own CLI. With a call that never hangs up, drainTimeout ends it and the process
// still exits 143. No call is lost.
describeLive('live: drain of an `openrtc start` worker on SIGTERM', () => {
  const server = useLiveServer();
  const call = useCallers();
  const startWorker = useWorkerProcesses();

  describe.each(['coroutine', 'process'] as const)('%s isolation', (isolation) => {
    it('the call in flight goes on until it hangs up, new rooms go to the other worker, and the process exits 143', async () => {
      // A drainTimeout far beyond the call (the sample sets 20 s; a loaded machine answers slower).
      const draining = await startWorker(server(), isolation, { OPENRTC_DRAIN_TIMEOUT: '600' });
      // The only worker so far: LiveKit gives it the first call.
      const first = await call({ server: server(), room: uniqueRoom('restaurant') });
      expect((await jobOf(server(), first.room, 120_000)).workerId).toBe(draining.workerId);
      await first.waitFor('transcription', (e) => e.speaker === 'agent' && e.text.includes(GREETING), 120_000);

      const other = await startWorker(server(), isolation);
      draining.cli.child.kill('SIGTERM');
      await draining.cli.waitForStdout(/SIGTERM received: draining running sessions, then closing\./, 30_000);

      // New rooms: LiveKit sends them to the other worker, and they are served.
      const later = await Promise.all([uniqueRoom('restaurant'), uniqueRoom('dental')].map((room) => call({ server: server(), room })));
      for (const caller of later) {
        expect((await jobOf(server(), caller.room, 120_000)).workerId).toBe(other.workerId);
        const agent = caller.room.startsWith('dental') ? 'dental' : 'restaurant';
        await caller.waitFor('transcription', (e) => e.speaker === 'agent' && e.text.includes(CALL_SCRIPTS[agent]!.greeting), 120_000);
      }

      // The draining worker still serves its call: the caller speaks and is answered.
      expect(draining.exited).toBe(false);
      const spoken = await first.speak(120_000);
      await first.waitFor('transcription', (e) => e.speaker === 'agent' && ANSWER.test(e.text), 150_000);
      await answerHeard(first, spoken);
      expect(first.all('participant-left')).toEqual([]);
      expect(draining.exited).toBe(false);

      // The caller hangs up: the drain is over, the process closes and exits as LiveKit's CLI does.
      await first.leave();
      const { code, signal, stdout } = await draining.cli.exited;
      expect({ code, signal }).toEqual({ code: 143, signal: null });
      expect(stdout).not.toMatch(/Drain timed out/);
      expect(draining.cli.stderr).not.toMatch(/Force exit/);

      // The other worker's calls were never disturbed.
      expect(other.exited).toBe(false);
      for (const caller of later) expect(caller.all('participant-left')).toEqual([]);
      await Promise.all(later.map((caller) => caller.leave()));
      other.cli.child.kill('SIGTERM');
      expect((await other.cli.exited).code).toBe(143);
    }, 420_000);

    it('a call that does not hang up is ended at drainTimeout, and the process still exits 143', async () => {
      const worker = await startWorker(server(), isolation, { OPENRTC_DRAIN_TIMEOUT: '3' });
      const caller = await call({ server: server(), room: uniqueRoom('dental') });
      const jobId = await agentJobId(caller, 120_000);
      expect((await jobOf(server(), caller.room)).workerId).toBe(worker.workerId);
      await caller.waitFor('transcription', (e) => e.speaker === 'agent' && e.text.includes(CALL_SCRIPTS.dental!.greeting), 120_000);
      worker.cli.child.kill('SIGTERM');
      const { code, signal, stdout } = await worker.cli.exited;
      expect({ code, signal }).toEqual({ code: 143, signal: null });
      expect(stdout).toMatch(new RegExp(`Drain timed out after 3s \\(drainTimeout\\); cancelling 1 session\\(s\\): ${jobId}`));
      // The caller sees the agent leave the room: the session was ended, not left hanging.
      await caller.waitFor('participant-left', (e) => e.participant === `agent-${jobId}`, 60_000);
      await caller.leave();
    }, 300_000);
  });
});
