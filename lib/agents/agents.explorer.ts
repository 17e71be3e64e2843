import { Inject, Injectable, Logger, type InjectionToken, type OnModuleInit, type Type } from '@nestjs/common';
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
      if (wrapper.isAlias) continue;
      const cls = providedClass(wrapper);
      if (!cls) continue;
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
   * The token a class is provided under somewhere in the graph, so DI resolves it per session
   * (`{ provide: 'desk', useClass: DeskAgent }` resolves by 'desk', not by the class); undefined when
   * it is no provider. Throws for a singleton provider, which would hand every session the same instance.
   */
  providerToken(cls: Type): InjectionToken | undefined {
    const wrapper = this.providers.get(cls);
    if (wrapper) this.assertPerSession(wrapper, cls);
    return wrapper?.token;
  }

  private assertPerSession(wrapper: InstanceWrapper, cls: Type): void {
    if (!wrapper.isDependencyTreeStatic()) return;
    if (wrapper.metatype !== cls) {
      throw new OpenRtcConfigError(
        `@Agent() class ${cls.name} is provided as a ready-made instance (useValue or useFactory), but every session needs its own agent instance. ` +
          `List the class itself in the module's providers (or use useClass: ${cls.name}).`,
      );
    }
    throw new OpenRtcConfigError(
      `@Agent() class ${cls.name} is a singleton provider, but every session needs its own agent instance. ` +
        'Remove @Injectable() (or its scope option) from the class: @Agent() already makes it injectable, per session.',
    );
  }
}

/**
 * The class behind a provider: its metatype for class providers; for value and factory providers
 * the class of the instance they hold, so an `@Agent()` instance provided that way is not missed.
 */
function providedClass(wrapper: InstanceWrapper): Function | undefined {
  if (typeof wrapper.metatype === 'function' && !wrapper.inject) return wrapper.metatype;
  const instance: unknown = wrapper.isDependencyTreeStatic() ? wrapper.instance : undefined;
  return instance !== null && typeof instance === 'object' ? instance.constructor : undefined;
}
