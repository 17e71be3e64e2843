import { Injectable, type Type } from '@nestjs/common';
import type { voice } from '@livekit/agents';
import type { AgentConfig, AgentDiscoveryConfig } from '../agents/agent-config.interface.js';
import { AgentRegistry } from '../agents/agent.registry.js';
import { OpenRtcConfigError } from '../errors/openrtc.errors.js';
import { AgentResolver, type RouteResult } from '../routing/agent.resolver.js';
import type { RoutingJob } from '../routing/routing-job.interface.js';

/**
 * The injectable face of the module: the registered agents, routing, and (from bootstrap on) the
 * LiveKit worker that serves them.
 * @publicApi
 */
@Injectable()
export class AgentPool {
  constructor(
    private readonly registry: AgentRegistry,
    private readonly resolver: AgentResolver,
  ) {}

  /** Registered agents, in registration order (the first is the fallback unless `defaultAgent` is set). */
  list(): AgentConfig[] {
    return this.registry.list();
  }

  has(name: string): boolean {
    return this.registry.find(name) !== undefined;
  }

  get(name: string): AgentConfig {
    const agent = this.registry.find(name);
    if (!agent) throw new OpenRtcConfigError(`Unknown agent '${name}'. Registered agents: ${this.registry.names().join(', ') || '(none)'}.`);
    return agent;
  }

  /**
   * Registers an agent class at run time, with the same validation as `@Agent()`. A class listed as
   * a provider resolves through DI per session; any other class gets its dependencies from global modules.
   */
  add(name: string, agentClass: Type<voice.Agent>, options: Omit<AgentDiscoveryConfig, 'name'> = {}): AgentConfig {
    return this.registry.register(agentClass, options, name);
  }

  /** Unregisters an agent; sessions already running keep their instance. */
  remove(name: string): AgentConfig {
    return this.registry.remove(name);
  }

  /** Which agent a job goes to, and by which rule. Throws `AgentRoutingError` for unknown names. */
  resolve(job: RoutingJob): Promise<RouteResult> {
    return this.resolver.resolve(job);
  }
}
