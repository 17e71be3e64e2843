// The baseline for the module's overhead: a bare upstream AgentSession per call, as a hand-written
// @livekit/agents app would build it, on the same VAD, turn detection and recorded input.
import { readFileSync } from 'node:fs';
import { inference, voice } from '@livekit/agents';
import * as silero from '@livekit/agents-plugin-silero';
import { RecordedAudioInput } from '../app/package.mjs';
import { parsePcm16Wav } from '../lib/speech.mjs';

export async function bootBareSessions(vadKind) {
  const vad = vadKind === 'silero' ? await silero.VAD.load() : new inference.VAD();
  vad.setMaxListeners(0); // shared by every session, as the module shares it
  const recordings = new Map();
  return {
    async launch(audioPath) {
      if (!recordings.has(audioPath)) recordings.set(audioPath, parsePcm16Wav(readFileSync(audioPath)));
      const session = new voice.AgentSession({ vad, turnHandling: { turnDetection: 'vad' } });
      session.input.audio = new RecordedAudioInput(recordings.get(audioPath));
      await session.start({ agent: new voice.Agent({ instructions: 'You listen.' }) });
      return session;
    },
  };
}
