import { asLanguageCode, stt } from '@livekit/agents';

/**
 * A speech-to-text stand-in: not streaming, so the session segments the caller's audio with its real
 * VAD and asks for one transcript per utterance. The n-th utterance is heard as `lines[n]` (the last
 * line repeats); it never listens to the audio.
 * @publicApi
 */
export class ScriptedSTT extends stt.STT {
  label = 'scripted-stt';
  private heard = 0;
  private readonly lines: string[];

  constructor(lines: string | string[]) {
    super({ streaming: false, interimResults: false });
    this.lines = typeof lines === 'string' ? [lines] : lines;
    if (this.lines.length === 0) throw new Error('ScriptedSTT needs at least one line to hear.');
  }

  protected async _recognize(): Promise<stt.SpeechEvent> {
    const text = this.lines[Math.min(this.heard++, this.lines.length - 1)]!;
    return {
      type: stt.SpeechEventType.FINAL_TRANSCRIPT,
      alternatives: [{ text, language: asLanguageCode('en'), startTime: 0, endTime: 0, confidence: 1 }],
    };
  }

  stream(): stt.SpeechStream {
    throw new Error('ScriptedSTT does not stream: the session wraps it with its VAD.');
  }
}
