import { Injectable } from '@nestjs/common';
import { ContextIdFactory, ModuleRef } from '@nestjs/core';
import type { voice } from '@livekit/agents';
import type { AgentConfig } from './agent-config.interface.js';
import type { OpenRtcSession } from './session-context.interface.js';
import { AgentsExplorer } from './agents.explorer.js';

/**
 * Builds a fresh agent instance for one session through Nest DI. The session is the "request" of a
 * new DI context, so request-scoped services live exactly as long as the session and
 * `@InjectSession()` (or `REQUEST`) yields its `OpenRtcSession`.
 */
@Injectable()
export class AgentInstanceFactory {
  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly explorer: AgentsExplorer,
  ) {}

  async create(config: AgentConfig, session: OpenRtcSession): Promise<voice.Agent> {
    const contextId = ContextIdFactory.create();
    this.moduleRef.registerRequestByContextId(session, contextId);
    const token = this.explorer.providerToken(config.agentClass);
    if (token !== undefined) return this.moduleRef.resolve<voice.Agent>(token, contextId, { strict: false });
    // Registered with pool.add() and not listed as a provider: constructor dependencies come from global modules.
    return this.moduleRef.create(config.agentClass, contextId);
  }
}
