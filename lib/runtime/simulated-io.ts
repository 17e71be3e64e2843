import { readFileSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import type { JobContext, voice } from '@livekit/agents';
import type { SessionIo } from '../session/session.entrypoint.js';
import { RecordedAudioInput } from '../simulation/recorded-audio.input.js';
import { parseWav, type PcmAudio } from '../simulation/wav.js';

/** Participant attribute of a simulated job that carries the recording its caller "speaks". */
export const SIMULATED_AUDIO_ATTRIBUTE = 'openrtc.simulated-audio';
/** Participant attribute of a simulated job that carries its caller's text turns (a JSON array). */
export const SIMULATED_TURNS_ATTRIBUTE = 'openrtc.simulated-turns';

const logger = new Logger('OpenRTC');

// Many simulated callers play the same recording: parse it once per process.
const recordings = new Map<string, PcmAudio>();

/** The attributes a simulated job carries (they reach a process-isolation child with the job). */
export function simulatedAttributes(spec: { audio?: string; turns?: string[] }): Record<string, string> {
  return {
    ...(spec.audio ? { [SIMULATED_AUDIO_ATTRIBUTE]: spec.audio } : {}),
    ...(spec.turns?.length ? { [SIMULATED_TURNS_ATTRIBUTE]: JSON.stringify(spec.turns) } : {}),
  };
}

/** A simulated (fake) job hears its recording or text turns instead of a room; any other job gets the room's I/O. */
export async function simulatedIo(ctx: JobContext): Promise<SessionIo> {
  const attributes = ctx.info.acceptArguments.attributes ?? {};
  if (!ctx.isFakeJob) return {};
  const io: SessionIo = {};
  const path = attributes[SIMULATED_AUDIO_ATTRIBUTE];
  if (path) {
    let audio = recordings.get(path);
    if (!audio) recordings.set(path, (audio = parseWav(readFileSync(path), path)));
    io.audioInput = new RecordedAudioInput(audio);
  }
  const turns = attributes[SIMULATED_TURNS_ATTRIBUTE];
  if (turns) {
    io.started = (session, greeting) => {
      playTurns(session, greeting, JSON.parse(turns) as string[]).catch((error) =>
        logger.warn(`Simulated session '${ctx.job.id}' stopped playing its text turns: ${(error as Error)?.message ?? error}`),
      );
    };
  }
  return io;
}

/** Each turn waits for the agent's previous speech (its greeting first) to finish, as a caller would. */
async function playTurns(session: voice.AgentSession, greeting: voice.SpeechHandle | undefined, turns: string[]): Promise<void> {
  let previous = greeting;
  for (const text of turns) {
    if (previous) await previous.waitForPlayout();
    previous = session.generateReply({ userInput: text });
  }
}
