import { registerAs, type ConfigType } from '@nestjs/config';

/** What one agent says first and which models it runs on (LiveKit Inference strings, or `scripted`). */
export interface AgentVoiceSettings {
  greeting: string;
  stt: string;
  llm: string;
  tts: string;
}

const read = (name: string, fallback: string): string => process.env[name]?.trim() || fallback;

/**
 * Per-agent greetings and providers, from the environment (`sample/.env`, see `.env.example`).
 * A provider is a LiveKit Inference string such as `openai/gpt-4.1-mini`, or `scripted`: an
 * offline stand-in that needs no key (what `npm run demo` uses).
 */
export const voiceConfig = registerAs('voice', () => ({
  restaurant: {
    greeting: read('RESTAURANT_GREETING', 'Welcome the caller to Harbor Bistro and offer to book a table.'),
    stt: read('RESTAURANT_STT', 'deepgram/nova-3'),
    llm: read('RESTAURANT_LLM', 'openai/gpt-4.1-mini'),
    tts: read('RESTAURANT_TTS', 'cartesia/sonic-2'),
  } satisfies AgentVoiceSettings,
  dental: {
    greeting: read('DENTAL_GREETING', 'Greet the patient, say this is Harbor Dental, and ask how you can help.'),
    stt: read('DENTAL_STT', 'deepgram/nova-3'),
    llm: read('DENTAL_LLM', 'openai/gpt-4.1-mini'),
    tts: read('DENTAL_TTS', 'cartesia/sonic-2'),
  } satisfies AgentVoiceSettings,
}));

export type VoiceConfig = ConfigType<typeof voiceConfig>;
