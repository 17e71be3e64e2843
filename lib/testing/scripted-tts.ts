import { DEFAULT_API_CONNECT_OPTIONS, tts, type APIConnectOptions } from '@livekit/agents';
import { AudioFrame } from '@livekit/rtc-node';

const SAMPLE_RATE = 24_000;
const MS_PER_WORD = 60;

/**
 * A text-to-speech stand-in: a soft 440 Hz tone, 60 ms per word, so a caller in a real room hears
 * that the agent spoke (a simulated call has no room: nothing plays it).
 * @publicApi
 */
export class ScriptedTTS extends tts.TTS {
  label = 'scripted-tts';

  constructor() {
    super(SAMPLE_RATE, 1, { streaming: false });
  }

  synthesize(text: string, connOptions: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS, abortSignal?: AbortSignal): tts.ChunkedStream {
    return new ToneStream(text, this, connOptions, abortSignal);
  }

  stream(): tts.SynthesizeStream {
    throw new Error('ScriptedTTS does not stream: the session wraps it with a sentence tokenizer.');
  }
}

class ToneStream extends tts.ChunkedStream {
  label = 'scripted-tts';

  protected async run(): Promise<void> {
    const words = Math.max(1, this.inputText.split(/\s+/).filter(Boolean).length);
    const samples = Math.round((SAMPLE_RATE * MS_PER_WORD * words) / 1000);
    const pcm = new Int16Array(samples);
    for (let i = 0; i < samples; i++) pcm[i] = Math.round(3000 * Math.sin((2 * Math.PI * 440 * i) / SAMPLE_RATE));
    this.queue.put({ requestId: 'scripted', segmentId: 'scripted', frame: new AudioFrame(pcm, SAMPLE_RATE, 1, samples), final: true });
  }
}
