export { OpenRtcModule } from './openrtc.module.js';
export { OPENRTC_MODULE_OPTIONS, type OpenRtcModuleAsyncOptions } from './openrtc.module-definition.js';
export { OPENRTC_AGENT_SESSION, OPENRTC_SESSION } from './openrtc.constants.js';
export { Agent, type VoiceAgentClass } from './agents/agent.decorator.js';
export { InjectSession } from './agents/inject-session.decorator.js';
export { InjectAgentSession } from './agents/inject-agent-session.decorator.js';
export type { AgentConfig, AgentDiscoveryConfig, AgentSettings, ProviderFactory, ProviderValue, SessionOptions } from './agents/agent-config.interface.js';
export type { OpenRtcSession } from './agents/session-context.interface.js';
export type {
  AgentDefaults, AgentRouter, Isolation, LiveKitConnectionOptions, LogLevel, MetricsOptions, OpenRtcModuleOptions, OpenRtcOptionsFactory, RequestFilter, RoomAudioOptions, TurnDetection, VadImplementation,
} from './options/openrtc-options.interface.js';
export type { RouteResult } from './routing/agent.resolver.js';
export type { RouteSource, RoutingJob } from './routing/routing-job.interface.js';
export { AgentPool, type PoolStats } from './runtime/agent-pool.js';
export type { SimulateSessionOptions, SimulatedSession, StartOptions } from './runtime/worker.runtime.js';
export type { SessionOutcome } from './runtime/session-outcome.tracker.js';
export type { OfferRefusal, RuntimeSnapshot, SessionSnapshot, SessionState, WorkerSnapshot } from './observability/runtime-snapshot.interface.js';
export { OnSessionEnd, OnSessionFailed, OnSessionStart } from './observability/session-event.decorators.js';
export type { SessionEndOutcome, SessionEventInfo } from './observability/session-event.interface.js';
export type { FailureLimitEvent } from './runtime/failure.supervisor.js';
export { RecordedAudioInput } from './simulation/recorded-audio.input.js';
export { AgentRoutingError, OpenRtcConfigError, OpenRtcSetupError } from './errors/openrtc.errors.js';
export { currentLogContext, type LogContext } from './logging/log-context.js';
