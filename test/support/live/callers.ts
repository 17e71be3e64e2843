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
