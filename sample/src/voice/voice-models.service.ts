import { Injectable } from '@nestjs/common';
import type { AgentSettings } from '@openrtc/nestjs';
import type { AgentVoiceSettings } from '../config/voice.config.js';
import { CALL_SCRIPTS } from './scripted/call-scripts.js';
import { ScriptedLLM } from './scripted/scripted-llm.js';
import { ScriptedSTT } from './scripted/scripted-stt.js';
import { ScriptedTTS } from './scripted/scripted-tts.js';

const SCRIPTED = 'scripted';

/**
 * Turns an agent's voice settings into what OpenRTC registers: provider strings go to LiveKit
 * Inference as they are; `scripted` becomes an offline stand-in that follows the agent's call script.
 */
@Injectable()
export class VoiceModels {
  forAgent(agent: string, settings: AgentVoiceSettings): AgentSettings {
    const script = CALL_SCRIPTS[agent];
    const scripted = (value: string) => value === SCRIPTED;
    if ([settings.stt, settings.llm].some(scripted) && !script) throw new Error(`No call script for agent '${agent}': it cannot use scripted models.`);
    return {
      greeting: settings.greeting,
      stt: scripted(settings.stt) ? sharedByAllCalls(new ScriptedSTT(script!.callerLine)) : settings.stt,
      llm: scripted(settings.llm) ? sharedByAllCalls(new ScriptedLLM(script!)) : settings.llm,
      tts: scripted(settings.tts) ? sharedByAllCalls(new ScriptedTTS()) : settings.tts,
    };
  }
}

/**
 * A provider instance (unlike a provider string) is one object for every call of the worker, and
 * each live call listens to it: lift Node's 10-listener leak warning for it.
 */
function sharedByAllCalls<T extends { setMaxListeners(n: number): unknown }>(provider: T): T {
  provider.setMaxListeners(0);
  return provider;
}
