import { Inject, Injectable } from '@nestjs/common';
import type { AgentConfig } from '../agents/agent-config.interface.js';
import { AgentRegistry } from '../agents/agent.registry.js';
import { AgentRoutingError, describeValue } from '../errors/openrtc.errors.js';
import { OPENRTC_RESOLVED_OPTIONS } from '../openrtc.constants.js';
import type { ResolvedOpenRtcOptions } from '../options/openrtc-options.interface.js';
import { parseMetadata, requestedAgent } from './metadata.js';
import type { RouteSource, RoutingJob } from './routing-job.interface.js';

/** @publicApi */
export interface RouteResult {
  agent: AgentConfig;
  via: RouteSource;
}

/**
 * Picks the agent for a job, first match wins: custom router -> job metadata (`agent`, `demo`) ->
 * room metadata (`agent`, `demo`) -> room name `<agent>-...` -> `defaultAgent` or the first
 * registered. A name that is not registered is an error, never a silent fallback.
 */
@Injectable()
export class AgentResolver {
  constructor(
    private readonly registry: AgentRegistry,
    @Inject(OPENRTC_RESOLVED_OPTIONS) private readonly options: ResolvedOpenRtcOptions,
  ) {}

  async resolve(job: RoutingJob): Promise<RouteResult> {
    if (this.registry.size === 0) throw new AgentRoutingError('No agents are registered in the pool.');
    const jobLabel = job.id ? `'${job.id}'` : "'(no id)'";
    const router = this.options.router;
    if (router) {
      let name: unknown;
      try {
        name = await router(job);
      } catch (error) {
        throw new AgentRoutingError(`Custom router raised while resolving the agent for job ${jobLabel}.`, { cause: error });
      }
      if (name !== undefined && name !== null) {
        if (typeof name !== 'string') {
          throw new AgentRoutingError(
            `Custom router returned ${describeValue(name)} for job ${jobLabel}; return a registered agent name, or undefined to defer.`,
          );
        }
        const agent = this.registry.find(name);
        if (!agent) throw new AgentRoutingError(`Custom router returned unknown agent '${name}' for job ${jobLabel}.`);
        return { agent, via: 'router' };
      }
    }
    return this.resolveSignal(job) ?? { agent: this.fallback(), via: 'default' };
  }

  /**
   * The explicit signals only (metadata and room name), without router or fallback. Returns
   * undefined when nothing names an agent; throws for a name that is not registered.
   */
  resolveSignal(job: RoutingJob): RouteResult | undefined {
    for (const [via, metadata] of [
      ['job metadata', job.metadata],
      ['room metadata', job.room?.metadata],
    ] as const) {
      const name = requestedAgent(parseMetadata(metadata, `Job ${job.id ? `'${job.id}'` : "'(no id)'"}: its ${via}`));
      if (name === undefined) continue;
      const agent = this.registry.find(name);
      if (!agent) throw new AgentRoutingError(`Unknown agent '${name}' requested via ${via}.`);
      return { agent, via };
    }
    const roomName = job.room?.name ?? '';
    // The longest matching name wins, so `front-desk-7` goes to `front-desk`, not to `front`.
    const byPrefix = this.registry
      .list()
      .filter((agent) => roomName.startsWith(`${agent.name}-`))
      .reduce<AgentConfig | undefined>((best, agent) => (!best || agent.name.length > best.name.length ? agent : best), undefined);
    return byPrefix ? { agent: byPrefix, via: 'room name prefix' } : undefined;
  }

  private fallback(): AgentConfig {
    const fallback = this.options.defaultAgent;
    if (fallback === undefined) return this.registry.list()[0]!;
    const agent = this.registry.find(fallback);
    if (!agent) {
      throw new AgentRoutingError(
        `Default agent '${fallback}' (OpenRtcModule option 'defaultAgent') is not registered. Registered agents: ${this.registry.names().join(', ')}.`,
      );
    }
    return agent;
  }
}
