import {
  Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnApplicationShutdown, type Type,
} from '@nestjs/common';
import type { voice } from '@livekit/agents';
import type { AgentConfig, AgentSettings } from '../agents/agent-config.interface.js';
import { AgentRegistry } from '../agents/agent.registry.js';
import { AgentsExplorer } from '../agents/agents.explorer.js';
import { missingLlmWarning } from '../agents/agent-llm.check.js';
import { instanceClassName } from '../agents/provider-value.js';
import { OpenRtcConfigError } from '../errors/openrtc.errors.js';
import { AgentResolver, type RouteResult } from '../routing/agent.resolver.js';
import type { RoutingJob } from '../routing/routing-job.interface.js';
import { OPENRTC_RESOLVED_OPTIONS } from '../openrtc.constants.js';
import type { ResolvedOpenRtcOptions } from '../options/openrtc-options.interface.js';
import { isProcessChild } from './process/process-role.js';
import type { HeadroomReading } from './headroom.monitor.js';
import type { RefusalCounts } from './offer.admission.js';
import { takeSnapshot } from '../observability/runtime.snapshot.js';
import type { RuntimeSnapshot } from '../observability/runtime-snapshot.interface.js';
import type { SessionOutcome } from './session-outcome.tracker.js';
import { WorkerRuntime, type SimulateSessionOptions, type SimulatedSession, type StartOptions } from './worker.runtime.js';

/** @publicApi */
export interface PoolStats {
  isolation: ResolvedOpenRtcOptions['isolation'];
  started: boolean;
  /** Registered with LiveKit and not closed: offers can arrive. */
  registered: boolean;
  /** A drain began: no new offers are taken. */
  draining: boolean;
  /** The LiveKit worker stopped on its own (it gave up reconnecting); see the error logged. */
  stopped: boolean;
  activeSessions: number;
  load: number;
  prewarmCount: number;
  succeeded: number;
  failed: number;
  consecutiveFailures: number;
  /** What LiveKit is told: `load`, or the share of headroom used where higher (1: FULL). */
  reportedLoad: number;
  /** Offers refused so far: at capacity (maxConcurrentSessions), without headroom (loop or CPU), while draining. */
  refusals: RefusalCounts;
  /** Event-loop and CPU utilization over the last few seconds (undefined before the worker starts measuring). */
  headroom: HeadroomReading;
}

/**
 * The injectable face of the module: the registered agents, routing, and (from bootstrap on) the
 * LiveKit worker that serves them.
 * @publicApi
 */
@Injectable()
export class AgentPool implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('OpenRTC');
  private readonly warnedShared = new Set<string>();

  constructor(
    private readonly registry: AgentRegistry,
    private readonly resolver: AgentResolver,
    private readonly runtime: WorkerRuntime,
    private readonly explorer: AgentsExplorer,
    @Inject(OPENRTC_RESOLVED_OPTIONS) private readonly options: ResolvedOpenRtcOptions,
  ) {
    runtime.onFailureLimit = (event) => (options.onFailureLimit ? options.onFailureLimit(event) : this.restartWorker());
  }

  async onApplicationBootstrap(): Promise<void> {
    // A process-mode child boots the app only to serve its one job.
    if (this.options.autoStart && !isProcessChild()) await this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.runtime.drain();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runtime.close();
  }

  /** Prewarms and registers with LiveKit; `{ connect: false }` runs local simulated sessions only. */
  async start(options?: StartOptions): Promise<void> {
    if (this.registry.size === 0) throw new OpenRtcConfigError('No agents are registered in the pool. Decorate a voice.Agent subclass with @Agent() and list it in a module\'s providers.');
    // Checked at start, not at init: pool.add() may register agents until then.
    const unknown = Object.entries(this.options.agents ?? {})
      .filter(([name, settings]) => settings !== undefined && !this.registry.find(name))
      .map(([name]) => name);
    if (unknown.length > 0) {
      throw new OpenRtcConfigError(
        `OpenRtcModule option 'agents' sets ${unknown.map((name) => `'${name}'`).join(', ')}, but no agent has that name. ` +
          `Registered agents: ${this.registry.names().join(', ')}. Use an agent's name from @Agent({ name }) or pool.add().`,
      );
    }
    for (const agent of this.registry.list()) {
      this.warnOfSharedInstances(agent);
      const noLlm = missingLlmWarning(agent);
      if (noLlm) this.logger.warn(noLlm);
    }
    return this.runtime.start(options);
  }

  /** Refuses new sessions and waits up to `drainTimeout` for running ones, then cancels the rest. */
  drain(): Promise<void> {
    return this.runtime.drain();
  }

  /** Launches a local session as a fake job through the same path as a LiveKit assignment. */
  simulateSession(options?: SimulateSessionOptions): Promise<SimulatedSession> {
    return this.runtime.simulateSession(options);
  }

  /**
   * Development: asks LiveKit to dispatch a job for `room` to this worker (what `openrtc connect
   * --room` does). Needs `start()` with a LiveKit connection.
   */
  connectToRoom(room: string, participantIdentity?: string): Promise<void> {
    return this.runtime.connectToRoom(room, participantIdentity);
  }

  /** Active sessions / maxConcurrentSessions: what LiveKit sees as this worker's load. */
  currentLoad(): number {
    return this.runtime.currentLoad();
  }

  stats(): PoolStats {
    const { runtime } = this;
    return {
      isolation: this.options.isolation,
      started: runtime.started,
      registered: runtime.registered,
      draining: runtime.isDraining,
      stopped: runtime.stopped,
      activeSessions: runtime.activeSessions,
      load: runtime.currentLoad(),
      prewarmCount: runtime.prewarmCount,
      succeeded: runtime.outcomes.succeeded,
      failed: runtime.outcomes.failed,
      consecutiveFailures: runtime.supervisor.consecutiveFailures,
      reportedLoad: runtime.reportedLoad(),
      ...runtime.admissionStats,
    };
  }

  /** The worker (isolation, registration, drain, load, memory, event loop) and one row per live session. */
  snapshot(): RuntimeSnapshot {
    return takeSnapshot(this.runtime, this.options);
  }

  /** Default failure-limit action: drain, then end the process non-zero so the platform restarts it. */
  private async restartWorker(): Promise<void> {
    this.logger.error('Failure limit reached: draining and exiting so the platform restarts this worker.');
    await this.runtime.drain();
    process.exitCode = 1;
    // With app.enableShutdownHooks() Nest closes the app on SIGTERM, then the process exits non-zero.
    process.kill(process.pid, 'SIGTERM');
  }

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
  add(name: string, agentClass: Type<voice.Agent>, options: AgentSettings = {}): AgentConfig {
    // Fail now, not at the first call, for a singleton provider (it would share one instance).
    if (typeof agentClass === 'function') this.explorer.providerToken(agentClass);
    return this.registry.register(agentClass, options, name);
  }

  /**
   * Upstream's AgentSession subscribes to its providers' `error` events, so in coroutine isolation
   * (sessions share the process) one plugin instance's error reaches every session using it.
   */
  private warnOfSharedInstances(config: AgentConfig): void {
    if (this.options.isolation !== 'coroutine' || this.warnedShared.has(config.name)) return;
    const shared = (['stt', 'llm', 'tts'] as const).filter((key) => typeof config[key] === 'object');
    if (shared.length === 0) return;
    this.warnedShared.add(config.name);
    const example = shared[0]!;
    const className = instanceClassName(config[example] as object) ?? 'YourProvider';
    this.logger.warn(
      `Agent '${config.name}': its ${shared.join(', ')} ${shared.length > 1 ? 'are plugin instances' : 'is a plugin instance'} shared by every session of this worker, ` +
        'so an unrecoverable error one of them emits ends all those sessions. ' +
        `Give each session its own with a factory, e.g. ${example}: () => new ${className}(...).`,
    );
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
