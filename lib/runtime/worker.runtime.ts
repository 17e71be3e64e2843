import { availableParallelism } from 'node:os';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AgentServer, ServerOptions, type JobContext, type RunningJobInfo } from '@livekit/agents';
import { Job, JobType, Room as RoomInfo } from '@livekit/protocol';
import { OpenRtcSetupError } from '../errors/openrtc.errors.js';
import { OPENRTC_RESOLVED_OPTIONS } from '../openrtc.constants.js';
import type { ResolvedOpenRtcOptions } from '../options/openrtc-options.interface.js';
import { idleProcessesOf, processBootTimeoutOf } from '../options/options.defaults.js';
import { AgentResolver } from '../routing/agent.resolver.js';
import { createRequestFilter } from '../routing/job-request.filter.js';
import { loadTurnDetectionPlugin, prewarmSharedModels } from '../session/prewarm.js';
import { onFirstAnswer } from '../session/first-answer.js';
import { SessionEntrypoint } from '../session/session.entrypoint.js';
import { CoroutinePool } from './coroutine/coroutine.pool.js';
import type { CoroutineJobExecutor } from './coroutine/coroutine-job.executor.js';
import { guardUnhandledRejections } from './coroutine/rejection.guard.js';
import { FailureSupervisor, type FailureLimitEvent } from './failure.supervisor.js';
import {
  JobStatus, assertSupportedVersion, closeInferenceExecutor, holdRtcRuntime, killIdleChildren, liveKitLoggerInitialized, registerPoolHost, routeLiveKitLogs, startInferenceExecutor, unregisterPoolHost, watchProcessJob,
  type JobExecutor, type PoolHost, type ProcPoolLike,
} from './livekit-internals.js';
import { writeLiveKitRecord } from './livekit-log.sink.js';
import { SESSION_ANSWERED_MESSAGE, SESSION_STARTED_MESSAGE } from './process/process-agent.js';
import { writeProcessEntry } from './process/process-entry.file.js';
import { simulatedAttributes, simulatedIo } from './simulated-io.js';
import { SessionOutcomeTracker, type SessionOutcome } from './session-outcome.tracker.js';

/** How long an accepted offer holds a session slot while LiveKit sends the assignment. */
const RESERVATION_MS = 10_000;

/** @publicApi */
export interface StartOptions {
  /** false: build the worker without connecting to LiveKit, for simulated sessions only. Default true. */
  connect?: boolean;
}

/** @publicApi */
export interface SimulateSessionOptions {
  roomName?: string;
  /** The agent to route to (sent as job metadata `agent`). */
  agent?: string;
  metadata?: Record<string, unknown>;
  /** A 16 kHz mono PCM16 WAV the simulated caller plays into the session. */
  audio?: string;
  /** What the simulated caller says as text, one turn after the agent's previous reply (after its greeting first). */
  turns?: string[];
}

/** @publicApi */
export interface SimulatedSession {
  readonly jobId: string;
  /** Resolves with the milliseconds from launch until the agent's session had started (onEnter ran). */
  readonly started: Promise<number>;
  /**
   * Resolves with the text of the agent's first reply to the caller (its first message after the
   * caller's turn; a greeting does not count). Rejects if the session ends before that.
   */
  readonly answered: Promise<string>;
  /** Resolves when the session has ended and been torn down. */
  readonly outcome: Promise<SessionOutcome>;
  /** Hangs up (as a termination would) and resolves with the outcome. */
  end(): Promise<SessionOutcome>;
}

/** Owns the one AgentServer of the app and how its jobs run (coroutine or process isolation). */
@Injectable()
export class WorkerRuntime {
  private readonly logger = new Logger('OpenRTC');
  private server?: AgentServer;
  private procPool?: ProcPoolLike;
  private coroutines?: CoroutinePool;
  private poolKey?: string;
  private cleanups: Array<() => void | Promise<void>> = [];
  private draining = false;
  private connected = false;
  private running?: Promise<void>;
  private starting?: Promise<void>;
  private readonly reservations = new Map<string, NodeJS.Timeout>();
  private simulations = 0;
  private childProcesses = 0;
  private readonly startWaiters = new Map<string, () => void>();
  private readonly answerWaiters = new Map<string, (text: string) => void>();
  readonly outcomes = new SessionOutcomeTracker();
  readonly supervisor: FailureSupervisor;
  /** Set by the module: what the supervisor does at the failure limit. */
  onFailureLimit: (event: FailureLimitEvent) => unknown = () => undefined;

  constructor(
    @Inject(OPENRTC_RESOLVED_OPTIONS) private readonly options: ResolvedOpenRtcOptions,
    private readonly resolver: AgentResolver,
    private readonly entrypoint: SessionEntrypoint,
  ) {
    this.supervisor = new FailureSupervisor(options.consecutiveFailureLimit, (event) => this.onFailureLimit(event));
  }

  get started(): boolean {
    return this.procPool !== undefined;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /** Sessions running now (reserved offers not included). */
  get activeSessions(): number {
    return this.procPool?.executors.filter((executor) => executor.runningJob).length ?? 0;
  }

  /** Times the shared models were loaded: once per worker in coroutine mode, once per session process otherwise. */
  get prewarmCount(): number {
    return this.coroutines ? this.coroutines.prewarmCount : this.childProcesses;
  }

  /** The load reported to LiveKit: active / maxConcurrentSessions (FULL at 1.0). */
  currentLoad(): number {
    return (this.activeSessions + this.reservations.size) / this.options.maxConcurrentSessions;
  }

  start(startOptions: StartOptions = {}): Promise<void> {
    this.starting ??= this.boot(startOptions.connect ?? true).catch((error) => {
      this.starting = undefined;
      throw error;
    });
    return this.starting;
  }

  private async boot(connect: boolean): Promise<void> {
    const { options } = this;
    const credentials = { url: options.livekit.url, apiKey: options.livekit.apiKey, apiSecret: options.livekit.apiSecret };
    if (connect) assertCredentials(credentials);
    // LiveKit's own logs go through Nest's Logger, unless the app set up LiveKit's logger itself.
    if (!liveKitLoggerInitialized()) routeLiveKitLogs(options.logLevel, writeLiveKitRecord);
    await loadTurnDetectionPlugin(options.turnDetection);
    await this.createHost();
    // Shared models load before the worker registers, so no session waits for them.
    await this.coroutines?.prewarm();
    this.server = new AgentServer(new ServerOptions({
      agent: this.poolKey!,
      wsURL: credentials.url ?? 'ws://127.0.0.1:7880',
      apiKey: credentials.apiKey ?? 'offline',
      apiSecret: credentials.apiSecret ?? 'offline',
      agentName: options.agentName,
      requestFunc: createRequestFilter(options, this.resolver, {
        draining: () => this.draining,
        reserve: (jobId) => this.reserve(jobId),
      }),
      loadFunc: async () => this.currentLoad(),
      loadThreshold: 1,
      drainTimeout: options.drainTimeout * 1000,
      // Process mode's warm children; coroutine mode has none.
      numIdleProcesses: options.isolation === 'process' ? idleProcessesOf(options) : undefined,
      initializeProcessTimeout: processBootTimeoutOf(options) * 1000,
      // Process mode: a child still booting ignores shutdown requests; do not wait upstream's 60 s for it at close.
      shutdownProcessTimeout: 10_000,
      host: options.health?.host ?? '127.0.0.1',
      // Upstream reads `port || 8081` in production, so a number 0 would become a fixed 8081 and a
      // second worker on the host would die on EADDRINUSE. listen() reads the string '0' as any free port.
      port: (options.health?.port || '0') as unknown as number,
      production: true,
      logLevel: options.logLevel,
    }));
    // Reading activeJobs walks the pool's `processes`, which hands our host its ProcPool.
    void this.server.activeJobs;
    if (!this.procPool) throw new OpenRtcSetupError('The worker pool did not attach to the AgentServer.');
    if (connect) {
      this.connected = true;
      const server = this.server;
      const registered = new Promise<void>((resolve) => server.event.once('worker_registered', () => resolve()));
      const run = server.run();
      this.running = run.catch((error) => {
        this.logger.error(`The LiveKit worker stopped: ${(error as Error)?.message ?? error}`);
        this.supervisor.record(false, error);
      });
      // run() settles only at close() or once upstream stops retrying (a bad URL at once, a wrong key or an
      // unreachable server after ~80 s). Before registration that is a failed start, not a wait forever.
      const stopped = run.then(
        () => Promise.reject(new OpenRtcSetupError('The LiveKit worker closed before it registered.')),
        (error) => Promise.reject(new OpenRtcSetupError(`Could not register with LiveKit at ${credentials.url}: ${(error as Error)?.message ?? error}`, { cause: error })),
      );
      stopped.catch(() => undefined); // after registration, a stop is this.running's to report
      await Promise.race([registered, stopped]).catch(async (error) => {
        await server.close().catch(() => undefined); // its health server and inference process
        throw error;
      });
      this.logger.log(`Registered with LiveKit (${options.isolation} isolation).`);
    } else {
      this.procPool.start();
      await startInferenceExecutor(this.procPool);
      this.cleanups.push(() => closeInferenceExecutor(this.procPool!));
    }
  }

  private async createHost(): Promise<void> {
    const attach = (pool: ProcPoolLike) => {
      this.procPool = pool;
    };
    if (this.options.isolation === 'coroutine') {
      assertSupportedVersion();
      this.poolKey = `openrtc-coroutine:${process.pid}:${Math.random().toString(36).slice(2)}`;
      const coroutines = (this.coroutines = new CoroutinePool({
        entry: async (ctx: JobContext) => {
          const started = await this.entrypoint.run(ctx, await simulatedIo(ctx));
          this.sessionStarted(ctx.job.id);
          if (ctx.isFakeJob) onFirstAnswer(started.session, (text) => this.sessionAnswered(ctx.job.id, text));
          return started;
        },
        prewarm: (proc) => prewarmSharedModels(proc, this.options.turnDetection, this.options.vad).then(() => undefined),
        onSessionEnded: (executor: CoroutineJobExecutor) => this.sessionEnded(executor.jobId, executor.status, executor.closeReason ?? 'ended', executor.error),
      }));
      const host: PoolHost = {
        attach,
        launchJob: (pool, info) => {
          this.release(info.job.id);
          return coroutines.launchJob(pool, info);
        },
      };
      this.cleanups.push(guardUnhandledRejections(), holdRtcRuntime());
      await registerPoolHost(this.poolKey, host);
      return;
    }
    const appModule = this.options.appModule;
    if (!appModule) {
      throw new OpenRtcSetupError(
        "isolation: 'process' needs OpenRtcModule option 'appModule': { path: <built file that exports your root module>, exportName: 'AppModule' }, so each child process can boot your agents.",
      );
    }
    const entry = writeProcessEntry({ appModulePath: appModule.path, exportName: appModule.exportName ?? 'AppModule' });
    this.cleanups.push(entry.remove);
    this.poolKey = entry.path;
    const host: PoolHost = {
      attach,
      bootConcurrency: availableParallelism(),
      bootFailed: (error) =>
        this.logger.error(
          `A session process failed to boot and was replaced: ${error.message}. Calls wait until a child boots. ` +
            `If this repeats, raise OpenRtcModule option 'processBootTimeout' (now ${processBootTimeoutOf(this.options)} s) or lower 'idleProcesses', or look for an error the child printed above.`,
        ),
      launched: (pool, info) => {
        this.release(info.job.id);
        const executor = pool.getByJobId(info.job.id);
        if (!executor) return;
        this.childProcesses += 1;
        const onMessage = (kind: string, value: unknown) => {
          if (kind === SESSION_STARTED_MESSAGE) this.sessionStarted(info.job.id);
          else if (kind === SESSION_ANSWERED_MESSAGE) this.sessionAnswered(info.job.id, String((value as { text?: unknown })?.text ?? ''));
        };
        void watchProcessJob(executor, onMessage).then(({ success, reason }) =>
          this.sessionEnded(info.job.id, success ? JobStatus.SUCCESS : JobStatus.FAILED, reason, success ? undefined : new Error(`session process ended: ${reason}`)),
        );
      },
    };
    await registerPoolHost(this.poolKey, host);
  }

  private sessionStarted(jobId: string): void {
    this.startWaiters.get(jobId)?.();
    this.startWaiters.delete(jobId);
  }

  private sessionAnswered(jobId: string, text: string): void {
    this.answerWaiters.get(jobId)?.(text);
    this.answerWaiters.delete(jobId);
  }

  private sessionEnded(jobId: string, status: JobStatus, reason: string, error?: unknown): void {
    this.outcomes.settle(jobId, status === JobStatus.SUCCESS ? 'success' : 'failed', reason, error);
    // Sessions cut off by our own drain or close say nothing about the worker's health.
    if (!this.draining && this.server) this.supervisor.record(status === JobStatus.SUCCESS, error);
  }

  private reserve(jobId: string): boolean {
    if (this.activeSessions + this.reservations.size >= this.options.maxConcurrentSessions) return false;
    const timer = setTimeout(() => this.reservations.delete(jobId), RESERVATION_MS);
    timer.unref();
    this.reservations.set(jobId, timer);
    return true;
  }

  private release(jobId: string): void {
    clearTimeout(this.reservations.get(jobId));
    this.reservations.delete(jobId);
  }

  /** Launches a local session as a fake job (no room) through the same pool path as an assignment. */
  async simulateSession(spec: SimulateSessionOptions = {}): Promise<SimulatedSession> {
    if (!this.procPool) throw new OpenRtcSetupError('Start the pool before simulating sessions: await pool.start({ connect: false }).');
    if (this.draining) throw new OpenRtcSetupError('The worker is draining; it takes no new sessions.');
    const jobId = `SIM_${process.pid}_${++this.simulations}`;
    const metadata = { ...spec.metadata, ...(spec.agent ? { agent: spec.agent } : {}) };
    const job = new Job({
      id: jobId,
      type: JobType.JT_ROOM,
      metadata: JSON.stringify(metadata),
      room: new RoomInfo({ name: spec.roomName ?? `simulated-${this.simulations}`, sid: `RM_${jobId}` }),
    });
    const info: RunningJobInfo = {
      acceptArguments: { name: '', identity: `agent-${jobId}`, metadata: '', attributes: simulatedAttributes(spec) } as RunningJobInfo['acceptArguments'],
      job,
      url: '',
      token: '',
      workerId: this.server?.id ?? 'offline',
      fakeJob: true,
    };
    const outcome = this.outcomes.expect(jobId);
    const launchedAt = performance.now();
    const started = sessionEvent(this.startWaiters, jobId, outcome, 'started', () => performance.now() - launchedAt);
    const answered = sessionEvent(this.answerWaiters, jobId, outcome, 'answered', (text: string) => text);
    await this.procPool.launchJob(info);
    const pool = this.procPool;
    return {
      jobId,
      started,
      answered,
      outcome,
      end: async () => {
        await pool.getByJobId(jobId)?.close();
        return outcome;
      },
    };
  }

  /**
   * Asks LiveKit to dispatch a job for `room` to this worker (upstream `AgentServer.simulateJob`,
   * as LiveKit's own `connect` command does): creates the room and, with `participantIdentity`,
   * has the agent listen to that participant. Needs a worker registered with LiveKit.
   */
  async connectToRoom(room: string, participantIdentity?: string): Promise<void> {
    if (!this.server || !this.connected) {
      throw new OpenRtcSetupError('Connecting to a room needs a worker registered with LiveKit: await pool.start() (not { connect: false }) first.');
    }
    if (this.draining) throw new OpenRtcSetupError('The worker is draining; it takes no new sessions.');
    await this.server.simulateJob(room, participantIdentity);
  }

  /** Stops taking sessions and waits up to drainTimeout for in-flight ones; then cancels the rest. */
  async drain(): Promise<void> {
    if (!this.server || this.draining) return;
    this.draining = true;
    const timeoutMs = this.options.drainTimeout * 1000;
    const pool = this.procPool!;
    const inFlight = pool.executors.filter((executor) => executor.runningJob);
    if (inFlight.length > 0) this.logger.log(`Draining: waiting up to ${this.options.drainTimeout}s for ${inFlight.length} session(s).`);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      this.connected ? this.server.drain(timeoutMs).then(() => false, () => true) : Promise.all(inFlight.map((e) => e.join())).then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs + 100))),
    ]);
    clearTimeout(timer);
    const left = pool.executors.filter((executor) => executor.runningJob);
    if (timedOut && left.length > 0) {
      const names = left.map((executor) => executor.runningJob!.job.id).join(', ');
      this.logger.warn(`Drain timed out after ${this.options.drainTimeout}s (drainTimeout); cancelling ${left.length} session(s): ${names}`);
      for (const executor of left) {
        const killable = executor as JobExecutor & { kill?: (reason: string) => void };
        if (killable.kill) killable.kill('drain timed out');
        else void executor.close();
      }
    }
  }

  /** Closes the worker: remaining sessions are ended, the server and every timer of the pool released. */
  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const timer of this.reservations.values()) clearTimeout(timer);
    this.reservations.clear();
    const pool = this.procPool;
    const closing = this.connected ? server.close().then(() => this.running) : pool?.close();
    if (pool && !this.coroutines) {
      // server.close() closes the inference process first, then the pool: wait for the pool's turn.
      for (let i = 0; i < 200 && !pool.closed; i++) await new Promise((resolve) => setTimeout(resolve, 25));
      killIdleChildren(pool);
    }
    await closing;
    if (this.poolKey) unregisterPoolHost(this.poolKey);
    for (const cleanup of this.cleanups.reverse()) await cleanup();
    this.cleanups = [];
    this.procPool = undefined;
  }
}

/**
 * A promise for one event of a simulated session, settled through `waiters` by the runtime (with
 * `read` turning the runtime's value into the caller's). A session that ends first never will: the
 * promise then rejects instead of leaving callers waiting.
 */
function sessionEvent<V, T>(waiters: Map<string, (value: V) => void>, jobId: string, outcome: Promise<SessionOutcome>, event: string, read: (value: V) => T): Promise<T> {
  const promise = new Promise<T>((resolve, reject) => {
    waiters.set(jobId, (value) => resolve(read(value)));
    void outcome.then((ended) => {
      if (waiters.delete(jobId)) reject(new Error(`Session '${jobId}' ended (${ended.status}) before it ${event}.`, { cause: ended.error }));
    });
  });
  promise.catch(() => undefined); // callers that only await the outcome must not see an unhandled rejection
  return promise;
}

function assertCredentials(credentials: { url?: string; apiKey?: string; apiSecret?: string }): void {
  const missing = [
    ['LIVEKIT_URL', credentials.url],
    ['LIVEKIT_API_KEY', credentials.apiKey],
    ['LIVEKIT_API_SECRET', credentials.apiSecret],
  ].filter(([, value]) => !value).map(([name]) => name);
  if (missing.length > 0) {
    throw new OpenRtcSetupError(
      `LiveKit credentials missing: set ${missing.join(', ')} (or OpenRtcModule option livekit: { url, apiKey, apiSecret }). ` +
        'To run local simulated sessions without a server, use autoStart: false and pool.start({ connect: false }).',
    );
  }
}
