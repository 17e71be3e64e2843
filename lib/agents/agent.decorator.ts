import { Injectable, Scope, SetMetadata, applyDecorators } from '@nestjs/common';
import type { voice } from '@livekit/agents';
import { AGENT_METADATA } from '../openrtc.constants.js';
import type { AgentDiscoveryConfig } from './agent-config.interface.js';

/** A class whose instances are `voice.Agent`s (abstract classes included). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type VoiceAgentClass = abstract new (...args: any[]) => voice.Agent<any>;

/**
 * Marks a `voice.Agent` subclass as an agent of the pool. The class is a provider like any other
 * (list it in a module's `providers`), resolved per session: every call gets a fresh instance, and
 * request-scoped services it injects live for that one session. Validation happens at module init.
 * Typed so that putting it on a class that does not extend `voice.Agent` does not compile.
 * @publicApi
 */
export function Agent(options: AgentDiscoveryConfig = {}): <T extends VoiceAgentClass>(target: T) => void {
  const decorate = applyDecorators(SetMetadata(AGENT_METADATA, options), Injectable({ scope: Scope.REQUEST }));
  return (target) => {
    decorate(target);
  };
}
