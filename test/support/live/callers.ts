import { startCaller, type CallerHandle, type CallerOptions } from '../../../scripts/live-caller.mjs';

/**
 * Starts callers (real participants, each its own process) and ends every one of them in afterAll,
 * whatever the test did.
 */
export function useCallers(): (options: CallerOptions) => Promise<CallerHandle> {
  const started: CallerHandle[] = [];
  afterAll(async () => {
    await Promise.all(started.map((caller) => caller.kill()));
  });
  return async (options) => {
    const caller = await startCaller(options);
    started.push(caller);
    return caller;
  };
}

/** The agent's text on the transcription stream so far, in order. */
export function agentText(caller: CallerHandle): string {
  return caller.all('transcription', (event) => event.speaker === 'agent').map((event) => event.text).join(' ');
}

/** The job id LiveKit gave the agent that joined the caller's room (its identity is `agent-<jobId>`). */
export async function agentJobId(caller: CallerHandle, timeoutMs = 60_000): Promise<string> {
  const track = await caller.waitFor('agent-track', undefined, timeoutMs);
  return track.participant.replace(/^agent-/, '');
}

/**
 * Resolves once the caller has heard the agent answer `spoken` (what speak() returned): agent audio
 * that starts after the speech ended, or that started while the caller spoke and was still sounding
 * when it ended. A loaded machine can split the caller's speech into two turns, and the agent then
 * answers the first one before the last frame has left (real-media.spec.ts, which measures the reply
 * latency, holds the strict order).
 */
export async function answerHeard(caller: CallerHandle, spoken: { startedAt: number; endedAt: number }, timeoutMs = 60_000): Promise<void> {
  const onsets = caller.all('agent-audio', (e) => e.at > spoken.startedAt && e.at <= spoken.endedAt);
  const last = onsets.at(-1);
  if (last) {
    // Sounding at the end of the speech: that sound's end (past or still to come) is after it.
    const end = await caller.waitFor('agent-audio-end', (e) => e.at > last.at, timeoutMs).catch(() => undefined);
    if (!end || end.at > spoken.endedAt) return;
  }
  await caller.waitFor('agent-audio', (e) => e.at > spoken.endedAt, timeoutMs);
}
