import { readFileSync } from 'node:fs';
import type { JobContext } from '@livekit/agents';
import type { SessionIo } from '../session/session.entrypoint.js';
import { RecordedAudioInput } from '../simulation/recorded-audio.input.js';
import { parseWav, type PcmAudio } from '../simulation/wav.js';

/** Participant attribute of a simulated job that carries the recording its caller "speaks". */
export const SIMULATED_AUDIO_ATTRIBUTE = 'openrtc.simulated-audio';

// Many simulated callers play the same recording: parse it once per process.
const recordings = new Map<string, PcmAudio>();

/** A simulated (fake) job hears its recording instead of a room; any other job gets the room's I/O. */
export async function simulatedIo(ctx: JobContext): Promise<SessionIo> {
  const path = ctx.info.acceptArguments.attributes?.[SIMULATED_AUDIO_ATTRIBUTE];
  if (!ctx.isFakeJob || !path) return {};
  let audio = recordings.get(path);
  if (!audio) recordings.set(path, (audio = parseWav(readFileSync(path), path)));
  return { audioInput: new RecordedAudioInput(audio) };
}
