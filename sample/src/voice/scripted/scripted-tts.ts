import { DEFAULT_API_CONNECT_OPTIONS, tts, type APIConnectOptions } from '@livekit/agents';
import { AudioFrame } from '@livekit/rtc-node';

const SAMPLE_RATE = 24_000;
/** Each word: a short soft tone, then a pause, so a caller in a LiveKit room hears the agent "speak". */
const TONE_MS = 180;
const PAUSE_MS = 70;
const AMPLITUDE = 0.2 * 32_767;
const FADE_SAMPLES = (SAMPLE_RATE * 10) / 1000;

/**
 * Offline stand-in for a text-to-speech provider: one soft tone per word (its pitch varies from word
 * to word), about the pace of speech. A simulated call has no room, so nothing plays it there;
 * against a LiveKit server the caller hears it on the agent's audio track.
 */
export class ScriptedTTS extends tts.TTS {
  label = 'scripted-tts';

  constructor() {
    super(SAMPLE_RATE, 1, { streaming: false });
  }

  synthesize(text: string, connOptions: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS, abortSignal?: AbortSignal): tts.ChunkedStream {
    return new ToneChunkedStream(text, this, connOptions, abortSignal);
  }

  stream(): tts.SynthesizeStream {
    throw new Error('ScriptedTTS does not stream: the session wraps it with a sentence tokenizer.');
  }
}

class ToneChunkedStream extends tts.ChunkedStream {
  label = 'scripted-tts';

  protected async run(): Promise<void> {
    const words = this.inputText.split(/\s+/).filter(Boolean);
    const tone = (SAMPLE_RATE * TONE_MS) / 1000;
    const wordSamples = tone + (SAMPLE_RATE * PAUSE_MS) / 1000;
    const samples = new Int16Array(Math.max(1, words.length) * wordSamples);
    words.forEach((word, index) => {
      const hz = 220 + ((word.length * 37 + index * 53) % 220);
      const start = index * wordSamples;
      for (let i = 0; i < tone; i++) {
        const fade = Math.min(1, i / FADE_SAMPLES, (tone - i) / FADE_SAMPLES);
        samples[start + i] = Math.round(AMPLITUDE * fade * Math.sin((2 * Math.PI * hz * i) / SAMPLE_RATE));
      }
    });
    this.queue.put({ requestId: 'scripted', segmentId: 'scripted', frame: new AudioFrame(samples, SAMPLE_RATE, 1, samples.length), final: true });
  }
}
