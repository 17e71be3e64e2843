import { asLanguageCode, stt } from '@livekit/agents';

/**
 * Offline stand-in for a speech-to-text provider: not streaming, so the session segments the
 * caller's audio with its real VAD and asks for one transcript per utterance, which is always the
 * scripted line (it does not listen to the audio).
 */
export class ScriptedSTT extends stt.STT {
  label = 'scripted-stt';

  constructor(private readonly line: string) {
    super({ streaming: false, interimResults: false });
  }

  protected async _recognize(): Promise<stt.SpeechEvent> {
    return {
      type: stt.SpeechEventType.FINAL_TRANSCRIPT,
      alternatives: [{ text: this.line, language: asLanguageCode('en'), startTime: 0, endTime: 0, confidence: 1 }],
    };
  }

  stream(): stt.SpeechStream {
    throw new Error('ScriptedSTT does not stream: the session wraps it with its VAD.');
  }
}
