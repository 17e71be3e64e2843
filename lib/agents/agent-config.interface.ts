import type { Type } from '@nestjs/common';
import type { voice } from '@livekit/agents';
import type { OpenRtcSession } from './session-context.interface.js';

/**
 * Builds a provider for one session, e.g. `() => new openai.LLM()`: called as each session starts,
 * with that session's `{ jobId, roomName, agentName, metadata }`. @publicApi
 */
export type ProviderFactory = (session: OpenRtcSession) => string | object;

/**
 * A model provider: a LiveKit inference string such as `'openai/gpt-4.1-mini'` (built per session
 * by LiveKit), a plugin instance (`new openai.LLM()`, one object for every session that uses it: in
 * coroutine isolation an error it emits reaches all of them), or a {@link ProviderFactory}.
 * @publicApi
 */
export type ProviderValue = string | object | ProviderFactory;

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
