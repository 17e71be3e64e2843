import { DEFAULT_API_CONNECT_OPTIONS, tts, type APIConnectOptions } from '@livekit/agents';
import { AudioFrame } from '@livekit/rtc-node';

const SAMPLE_RATE = 24_000;

/**
 * Offline stand-in for a text-to-speech provider: 60 ms of silence per word. (A simulated call has
 * no room, so nothing plays it; against a LiveKit server the caller would hear silence.)
 */
export class ScriptedTTS extends tts.TTS {
  label = 'scripted-tts';

  constructor() {
    super(SAMPLE_RATE, 1, { streaming: false });
  }

  synthesize(text: string, connOptions: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS, abortSignal?: AbortSignal): tts.ChunkedStream {
    return new SilentChunkedStream(text, this, connOptions, abortSignal);
  }

  stream(): tts.SynthesizeStream {
    throw new Error('ScriptedTTS does not stream: the session wraps it with a sentence tokenizer.');
  }
}

class SilentChunkedStream extends tts.ChunkedStream {
  label = 'scripted-tts';

  protected async run(): Promise<void> {
    const words = Math.max(1, this.inputText.split(/\s+/).filter(Boolean).length);
    const samples = Math.round((SAMPLE_RATE * 60 * words) / 1000);
    this.queue.put({ requestId: 'scripted', segmentId: 'scripted', frame: new AudioFrame(new Int16Array(samples), SAMPLE_RATE, 1, samples), final: true });
  }
}
