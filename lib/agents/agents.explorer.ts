import { Inject, Injectable, Logger, type OnModuleInit, type Type } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper.js';
import { OpenRtcConfigError } from '../errors/openrtc.errors.js';
import { AGENT_METADATA, OPENRTC_RESOLVED_OPTIONS } from '../openrtc.constants.js';
import type { ResolvedOpenRtcOptions } from '../options/openrtc-options.interface.js';
import type { AgentDiscoveryConfig } from './agent-config.interface.js';
import { AgentRegistry } from './agent.registry.js';

/** Finds every `@Agent()` provider in the application's DI graph at module init. */
@Injectable()
export class AgentsExplorer implements OnModuleInit {
  private readonly logger = new Logger('OpenRTC');
  private readonly providers = new Map<Function, InstanceWrapper>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
    private readonly registry: AgentRegistry,
    @Inject(OPENRTC_RESOLVED_OPTIONS) private readonly options: ResolvedOpenRtcOptions,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const cls = wrapper.metatype;
      if (wrapper.isAlias || typeof cls !== 'function') continue;
      if (!this.providers.has(cls)) this.providers.set(cls, wrapper);
      const metadata = this.reflector.get<AgentDiscoveryConfig | undefined>(AGENT_METADATA, cls);
      if (metadata === undefined || this.registry.list().some((agent) => agent.agentClass === cls)) continue;
      this.assertPerSession(wrapper, cls as Type);
      const agent = this.registry.register(cls, metadata);
      this.logger.log(`Registered agent '${agent.name}' (${cls.name}).`);
    }
    const fallback = this.options.defaultAgent;
    if (fallback !== undefined && this.registry.size > 0 && !this.registry.find(fallback)) {
      throw new OpenRtcConfigError(
        `OpenRtcModule option 'defaultAgent' names '${fallback}', which is not registered. Registered agents: ${this.registry.names().join(', ')}.`,
      );
    }
  }

  /**
   * Whether a class is a provider somewhere in the graph, so DI resolves it per session. Throws for
   * a singleton provider, which would hand every session the same agent instance.
   */
  isProvider(cls: Type): boolean {
    const wrapper = this.providers.get(cls);
    if (wrapper) this.assertPerSession(wrapper, cls);
    return wrapper !== undefined;
  }

  private assertPerSession(wrapper: InstanceWrapper, cls: Type): void {
    if (wrapper.isDependencyTreeStatic()) {
      throw new OpenRtcConfigError(
        `@Agent() class ${cls.name} is a singleton provider, but every session needs its own agent instance. ` +
          'Remove @Injectable() (or its scope option) from the class: @Agent() already makes it injectable, per session.',
      );
    }
  }
}
