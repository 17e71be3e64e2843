import { Module, Scope } from '@nestjs/common';
import { DiscoveryModule, REQUEST } from '@nestjs/core';
import { SessionEventsExplorer } from './observability/session-events.explorer.js';
import { OpenRtcMetrics } from './metrics/openrtc.metrics.js';
import { AgentInstanceFactory } from './agents/agent-instance.factory.js';
import { AgentRegistry } from './agents/agent.registry.js';
import { AgentsExplorer } from './agents/agents.explorer.js';
import { OPENRTC_AGENT_SESSION, OPENRTC_POOL, OPENRTC_ROOM_INPUT_FRAMES, OPENRTC_SESSION } from './openrtc.constants.js';
import { agentSessionOf } from './agents/agent-session.binding.js';
import { ConfigurableModuleClass, OPTIONS_TYPE } from './openrtc.module-definition.js';
import type { DynamicModule } from '@nestjs/common';
import { resolvedOptionsProvider } from './options/options.provider.js';
import { AgentResolver } from './routing/agent.resolver.js';
import { AgentPool } from './runtime/agent-pool.js';
import { setRoomInputFrameSize } from './runtime/livekit-internals.js';
import { WorkerRuntime } from './runtime/worker.runtime.js';
import { SessionEntrypoint } from './session/session.entrypoint.js';

/**
 * Hosts every `@Agent()` of the application in one LiveKit worker. Import it once, in the root
 * module, with `forRoot()` or `forRootAsync()`; it is global.
 * @publicApi
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    resolvedOptionsProvider,
    AgentRegistry,
    AgentsExplorer,
    AgentResolver,
    AgentInstanceFactory,
    SessionEntrypoint,
    WorkerRuntime,
    AgentPool,
    SessionEventsExplorer,
    OpenRtcMetrics,
    { provide: OPENRTC_POOL, useExisting: AgentPool },
    { provide: OPENRTC_ROOM_INPUT_FRAMES, useValue: setRoomInputFrameSize },
    // The session is the "request" of its DI context (see AgentInstanceFactory).
    { provide: OPENRTC_SESSION, scope: Scope.REQUEST, inject: [REQUEST], useFactory: (session: unknown) => session },
    { provide: OPENRTC_AGENT_SESSION, scope: Scope.REQUEST, inject: [REQUEST], useFactory: agentSessionOf },
  ],
  exports: [AgentPool, OPENRTC_POOL, OPENRTC_SESSION, OPENRTC_AGENT_SESSION],
})
export class OpenRtcModule extends ConfigurableModuleClass {
  /** Every option is optional, so is the argument (the generated builder would crash on `undefined`). */
  static override forRoot(options: typeof OPTIONS_TYPE = {}): DynamicModule {
    return super.forRoot(options);
  }
}
