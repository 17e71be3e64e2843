import type { CallerHandle } from '../../../scripts/live-caller.mjs';
import { CALL_SCRIPTS } from '../../../sample/src/voice/scripted/call-scripts.js';
import { problems, type SampleWorker } from './sample-worker.js';

/**
 * One turn of a restaurant call, heard from the caller's side: the greeting plays out (so the caller
 * does not talk over it), the caller speaks its line, the agent's VAD hears it (upstream publishes the
 * caller's scripted transcript), and the answer built by the agent's bookTable tool is read and then
 * heard, as audio after the caller stopped speaking. `context()` adds to the failure message when the
 * caller's turn is not heard. Returns the answer's first audio and when the caller's speech ended.
 */
export async function restaurantTurn(caller: CallerHandle, worker: SampleWorker | undefined, context: () => string = () => '') {
  await caller.waitFor('transcription', (e) => e.speaker === 'agent' && e.text.includes('Harbor Bistro'));
  await caller.waitFor('agent-audio-end');
  const { endedAt } = await caller.speak();
  await caller.waitFor('transcription', (e) => e.speaker === 'caller' && e.text === CALL_SCRIPTS.restaurant!.callerLine, 60_000).catch((error) => {
    throw new Error(`${error.message}\nworker: ${problems(worker)}${context()}`);
  });
  const answer = await caller.waitFor('transcription', (e) => e.speaker === 'agent' && e.text.startsWith('All set:'), 60_000);
  expect(answer.text).toMatch(/^All set: .*See you tonight!$/);
  const heard = await caller.waitFor('agent-audio', (e) => e.at > endedAt, 60_000);
  expect(heard.rms).toBeGreaterThan(300);
  return { heard, endedAt };
}
