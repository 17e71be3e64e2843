import type { CallerHandle } from '../../scripts/live-caller.mjs';
import { CALL_SCRIPTS } from '../../sample/src/voice/scripted/call-scripts.js';
import type { SessionOutcome } from '@openrtc/nestjs';
import { agentJobId, agentText, answerHeard, useCallers } from '../support/live/callers.js';
import { describeLive, uniqueRoom, useLiveServer } from '../support/live/live-server.js';
import { problems, startSampleWorker, type SampleWorker } from '../support/live/sample-worker.js';
import { until } from '../support/until.js';

// Issue #11 item 4: many calls at once in ONE worker, over a real livekit-server. Every caller is a
// real participant that hears the greeting, speaks, and hears the answer; the answer comes from the
// agent's tools running on the worker's singletons (bookings, appointments) with the call's own
// request-scoped CallRecord, whose @InjectSession() value names the call's own room and job.
// Ten calls in coroutine isolation, as the issue asks; process isolation runs 3 (a child process per
// call, each booting its own runtime). The live specs run one file at a time (scripts/coverage.mjs),
// so the worker, its callers and the server have the machine's two cores to themselves. This worker
// runs inside jest, under V8 coverage, which slows its JavaScript: at the default 40 ms frames it
// carried 9 calls here and answered the 10th offer too late (LiveKit then drops the room). The calls
// use 100 ms frames (option roomAudio, a quarter of the per-frame work again); what 10 calls cost at
// the default is the live benchmark's (`openrtc start` carried them at ELU 0.64 on Node 20).
// OPENRTC_LIVE_CALLS overrides both counts.
const CALLS = { coroutine: Number(process.env.OPENRTC_LIVE_CALLS ?? 10), process: Number(process.env.OPENRTC_LIVE_CALLS ?? 3) };
const SETTINGS = { coroutine: { OPENRTC_ROOM_FRAME_MS: '100' }, process: { OPENRTC_IDLE_PROCESSES: String(CALLS.process) } };
const AGENTS = ['restaurant', 'dental'] as const;

/** What a finished call looks like from both ends. */
interface Call {
  agent: (typeof AGENTS)[number];
  caller: CallerHandle;
  jobId: string;
  outcome: Promise<SessionOutcome>;
}

describeLive('live: concurrent calls in one worker', () => {
  const server = useLiveServer();
  const call = useCallers();

  describe.each(['coroutine', 'process'] as const)('%s isolation', (isolation) => {
    let worker: SampleWorker | undefined;
    beforeAll(async () => {
      worker = await startSampleWorker(server(), isolation, SETTINGS[isolation]);
    }, 180_000);
    afterAll(async () => worker?.close(), 90_000);

    it(`${CALLS[isolation]} calls at once: each is greeted, heard and answered, with its own CallRecord and session; stats add up`, async () => {
      const n = CALLS[isolation];
      const calls: Call[] = [];
      const failWith = (error: Error) => {
        const heard = calls.map((c) => `${c.caller.room}: ${JSON.stringify(c.caller.all('transcription').map((e) => `${e.speaker}: ${e.text}`))}`).join('\n');
        throw new Error(`${error.message}\ntranscripts:\n${heard}\nworker: ${problems(worker)}`);
      };
      // The callers join one after another (each once the previous call's agent is in its room), so
      // a loaded 2-core machine is not asked to start n sessions in the same instant; then all n
      // calls are in flight at once. LiveKit dispatches each room's job to the one worker.
      for (let i = 0; i < n; i++) {
        const agent = AGENTS[i % AGENTS.length]!;
        // LiveKit drops a room's job for good when its offer is not answered in time (a worker whose
        // loop is blocked by a loaded machine; see scale-out.spec.ts): such a caller hangs up and
        // calls again in a new room, as a real caller would. The n calls are still all in flight.
        let caller = await call({ server: server(), room: uniqueRoom(agent), joinTimeoutMs: 60_000 });
        let jobId = await agentJobId(caller, 90_000).catch(() => undefined);
        if (jobId === undefined) {
          await caller.kill();
          caller = await call({ server: server(), room: uniqueRoom(agent), joinTimeoutMs: 60_000 });
          jobId = await agentJobId(caller, 120_000).catch(failWith);
        }
        calls.push({ agent, caller, jobId: jobId!, outcome: worker!.outcome(jobId!) });
      }
      expect(new Set(calls.map((c) => c.jobId)).size).toBe(n);
      expect(worker!.pool.stats()).toMatchObject({ isolation, activeSessions: n, load: n / 25 });

      // Greeted (audible, and the greeting's words), then the caller speaks and is answered.
      await Promise.all(
        calls.map(async ({ agent, caller }) => {
          const script = CALL_SCRIPTS[agent]!;
          await caller.waitFor('transcription', (e) => e.speaker === 'agent' && e.text.includes(script.greeting), 120_000);
          expect((await caller.waitFor('agent-audio', undefined, 60_000)).rms).toBeGreaterThan(300);
          const spoken = await caller.speak(120_000);
          const answer = agent === 'restaurant' ? /All set: "?table for 2 at 20:00, booking number R-\d+"?\. See you tonight!/ : /You are booked: "?cleaning on .+\./;
          await caller.waitFor('transcription', (e) => e.speaker === 'agent' && answer.test(e.text), 150_000);
          // Heard, not only read: agent audio after the caller stopped speaking (or still sounding then).
          await answerHeard(caller, spoken);
        }),
      ).catch(failWith);

      // Each call booked through the app's singletons (the tool output is quoted). In coroutine
      // isolation they are the worker's, shared: n calls, n different bookings. In process isolation
      // each call's child boots its own app, so each has fresh singletons: every restaurant call gets
      // the first booking number.
      const booked = new Map(calls.map((c) => [c, (c.agent === 'restaurant' ? /booking number (R-\d+)/ : /You are booked: "?cleaning on ([^."]+)/).exec(agentText(c.caller))![1]!]));
      if (isolation === 'coroutine') expect(new Set(booked.values()).size).toBe(n);
      else for (const c of calls.filter((c) => c.agent === 'restaurant')) expect(booked.get(c)).toBe('R-1001');

      if (isolation === 'coroutine') {
        // CallRecord is request-scoped and carries @InjectSession(): every line it logs names the
        // call's own agent and room (a shared record would name one room for all calls), and the
        // booking the caller heard was noted by that call's record, not another's. (A caller's
        // speech may be heard as more than one turn on a loaded machine, so lines are not counted.)
        // (Without the log context every line of a call starts with: [agent room=… job=…].)
        const notes = worker!.logs.entries.filter((e) => e.context === 'Call').map((e) => e.message.replace(/^\[[^\]]* job=[^\]]*\] /, ''));
        for (const c of calls) {
          const mine = notes.filter((line) => line.includes(` ${c.caller.room}] `));
          expect(mine.length).toBeGreaterThan(0);
          for (const line of mine) expect(line).toMatch(new RegExp(`^\\[${c.agent} ${c.caller.room}\\] (booked|offered) `));
          if (c.agent === 'restaurant') expect(mine).toContain(`[restaurant ${c.caller.room}] booked table ${booked.get(c)} for 2 at 20:00`);
          else expect(mine.some((line) => line.startsWith(`[dental ${c.caller.room}] booked cleaning slot-`))).toBe(true);
        }
        expect(notes.every((line) => calls.some((c) => line.startsWith(`[${c.agent} ${c.caller.room}] `)))).toBe(true);
      }

      // Hang up: every session ends successfully, and the counters match the outcomes.
      await Promise.all(calls.map(({ caller }) => caller.leave()));
      const outcomes = await Promise.all(calls.map((c) => c.outcome));
      expect(outcomes.map((o) => o.status)).toEqual(Array(n).fill('success'));
      await until(() => worker!.pool.stats().activeSessions === 0, 60_000, 'no active sessions');
      expect(worker!.pool.stats()).toMatchObject({ activeSessions: 0, load: 0, succeeded: n, failed: 0, consecutiveFailures: 0 });
    }, 420_000);
  });
});
