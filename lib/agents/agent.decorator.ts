import { Injectable, Scope, SetMetadata, applyDecorators } from '@nestjs/common';
import { AGENT_METADATA } from '../openrtc.constants.js';
import type { AgentDiscoveryConfig } from './agent-config.interface.js';

/**
 * Marks a `voice.Agent` subclass as an agent of the pool. The class is a provider like any other
 * (list it in a module's `providers`), resolved per session: every call gets a fresh instance, and
 * request-scoped services it injects live for that one session. Validation happens at module init.
 * @publicApi
 */
export function Agent(options: AgentDiscoveryConfig = {}): ClassDecorator {
  return applyDecorators(SetMetadata(AGENT_METADATA, options), Injectable({ scope: Scope.REQUEST }));
}
