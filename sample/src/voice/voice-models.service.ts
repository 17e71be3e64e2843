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
 * Inference as they are; `scripted` becomes an offline stand-in that follows the agent's call script,
 * built per call by a factory (each call its own instance, as a plugin's should be).
 */
@Injectable()
export class VoiceModels {
  forAgent(agent: string, settings: AgentVoiceSettings): AgentSettings {
    const script = CALL_SCRIPTS[agent];
    const scripted = (value: string) => value === SCRIPTED;
    if ([settings.stt, settings.llm].some(scripted) && !script) throw new Error(`No call script for agent '${agent}': it cannot use scripted models.`);
    return {
      greeting: settings.greeting,
      stt: scripted(settings.stt) ? () => new ScriptedSTT(script!.callerLine) : settings.stt,
      llm: scripted(settings.llm) ? () => new ScriptedLLM(script!) : settings.llm,
      tts: scripted(settings.tts) ? () => new ScriptedTTS() : settings.tts,
    };
  }
}
