import type { Type } from '@nestjs/common';
import type { voice } from '@livekit/agents';

/**
 * A model provider: a LiveKit inference string such as `'openai/gpt-4.1-mini'` (resolved by
 * LiveKit) or a plugin instance (`new openai.LLM()`), passed to `AgentSession` unchanged.
 * @publicApi
 */
export type ProviderValue = string | object;

/** Extra `AgentSession` options, merged over what OpenRTC builds for the session. @publicApi */
export type SessionOptions = Partial<voice.AgentSessionOptions> & Record<string, unknown>;

/** What `@Agent()` stores on a class: the options as the user wrote them. @publicApi */
export interface AgentDiscoveryConfig {
  name?: string;
  stt?: ProviderValue;
  llm?: ProviderValue;
  tts?: ProviderValue;
  greeting?: string;
  sessionOptions?: SessionOptions;
}

/**
 * An agent's settings without its name: what `pool.add(name, cls, settings)` takes, and what
 * OpenRtcModule option `agents` sets per agent name. @publicApi
 */
export type AgentSettings = Omit<AgentDiscoveryConfig, 'name'>;

/** A registered agent, with pool defaults already applied. @publicApi */
export interface AgentConfig {
  readonly name: string;
  readonly agentClass: Type<voice.Agent>;
  readonly stt?: ProviderValue;
  readonly llm?: ProviderValue;
  readonly tts?: ProviderValue;
  readonly greeting?: string;
  readonly sessionOptions: SessionOptions;
}
