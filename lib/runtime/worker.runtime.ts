import { availableParallelism } from 'node:os';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AgentServer, ServerOptions, type JobContext, type JobRequest } from '@livekit/agents';
import { AgentRegistry } from '../agents/agent.registry.js';
import { OpenRtcSetupError } from '../errors/openrtc.errors.js';
import { OPENRTC_RESOLVED_OPTIONS } from '../openrtc.constants.js';
import type { ResolvedOpenRtcOptions } from '../options/openrtc-options.interface.js';
import { idleProcessesOf, processBootTimeoutOf } from '../options/options.defaults.js';
import { installLogContext } from '../logging/nest-logger.context.js';
import { AgentResolver } from '../routing/agent.resolver.js';
import { loadTurnDetectionPlugin, prewarmSharedModels } from '../session/prewarm.js';
import { onFirstAnswer } from '../session/first-answer.js';
import { SessionEntrypoint } from '../session/session.entrypoint.js';
import { CoroutinePool } from './coroutine/coroutine.pool.js';
import type { CoroutineJobExecutor } from './coroutine/coroutine-job.executor.js';
import type { FailureSupervisor, FailureLimitEvent } from './failure.supervisor.js';
import { FaultPolicy } from './fault.policy.js';
import {
  JobStatus, assertSupportedVersion, closeInferenceExecutor, holdRtcRuntime, inferenceProcessExited, killIdleChildren, liveKitLoggerInitialized, probeWorkerAuth, registerPoolHost, routeLiveKitLogs, startInferenceExecutor, unregisterPoolHost, watchProcessJob,
  type JobExecutor, type PoolHost, type ProcPoolLike,
} from './livekit-internals.js';
import { writeLiveKitRecord } from './livekit-log.sink.js';
import { MemoryWatch } from './memory.watch.js';
import { OfferAdmission } from './offer.admission.js';
import { SESSION_ANSWERED_MESSAGE, SESSION_FAILED_MESSAGE, SESSION_PROGRESS_MESSAGE, SESSION_STARTED_MESSAGE } from './process/process-agent.js';
import { watchAgentSession } from '../observability/agent-session.watch.js';
import { EventLoopMonitor } from '../observability/event-loop.monitor.js';
import { RuntimeEvents } from '../observability/runtime.events.js';
import { SessionTable, type SessionProgress } from '../observability/session.table.js';
import { writeProcessEntry } from './process/process-entry.file.js';
import { SessionSimulator, type SimulateSessionOptions, type SimulatedSession } from './session.simulator.js';
import { simulatedIo } from './simulated-io.js';
import { takeSnapshot } from '../observability/runtime.snapshot.js';
import { sessionRows, topSnapshot } from './snapshot.js';
import { serveSnapshots } from './snapshot.socket.js';
import { SessionOutcomeTracker } from './session-outcome.tracker.js';

export type { SimulateSessionOptions, SimulatedSession } from './session.simulator.js';

/** Node's longest timer delay (2^31-1 ms). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** @publicApi */
export interface StartOptions {
  /** false: build the worker without connecting to LiveKit, for simulated sessions only. Default true. */
  connect?: boolean;
}

/**
 * The worker's lifecycle: owns the one AgentServer of the app and how its jobs run (coroutine or
 * process isolation), from boot to drain and close. What an offer gets is OfferAdmission's; who
 * counts as a failure and what a fault outside every session does is FaultPolicy's.
 */
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
  private childProcesses = 0;
  /** Process mode: jobs whose child reported a failure the exit code does not show. */
  private readonly failedInChild = new Map<string, Error>();
  private readonly admission: OfferAdmission;
  private readonly faults: FaultPolicy;
  private readonly simulator: SessionSimulator;
  readonly outcomes = new SessionOutcomeTracker();
  /** What observers inside the worker hear: sessions starting and ending, offers answered. */
  readonly events = new RuntimeEvents();
  /** The live sessions, one row each from launch to the end of teardown. */
  readonly sessions = new SessionTable(this.events);
  readonly eventLoop = new EventLoopMonitor();
  readonly offers = { accepted: 0, refused: { capacity: 0, headroom: 0, draining: 0, unroutable: 0, filter: 0 } };
  /** Registered with LiveKit (the register response came) and not closed since. */
  registered = false;
  /** The LiveKit worker's run() failed after registration (upstream gave up reconnecting). */
  stopped = false;
  /** Set by the module: what the supervisor does at the failure limit. */
  onFailureLimit: (event: FailureLimitEvent) => unknown = () => undefined;

  constructor(
    @Inject(OPENRTC_RESOLVED_OPTIONS) private readonly options: ResolvedOpenRtcOptions,
    resolver: AgentResolver,
    private readonly entrypoint: SessionEntrypoint,
    registry: AgentRegistry,
  ) {
    installLogContext();
    this.faults = new FaultPolicy(options.consecutiveFailureLimit, (event) => this.onFailureLimit(event), {
      serving: () => !this.draining && this.server !== undefined,
      draining: () => this.draining,
      drain: () => this.drain(),
    });
    this.admission = new OfferAdmission(options, resolver, {
      draining: () => this.draining,
      activeSessions: () => this.activeSessions,
      offered: (outcome) => {
        if (outcome === 'accepted') {
          this.offers.accepted += 1;
          this.events.emit('offerAccepted');
        } else {
          this.offers.refused[outcome] += 1;
          this.events.emit('offerRefused', outcome);
        }
      },
    });
    this.simulator = new SessionSimulator(registry, resolver, this.outcomes, this.faults);
  }

  get supervisor(): FailureSupervisor {
    return this.faults.supervisor;
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

  /** Sessions held (and offers reserved) / maxConcurrentSessions: 1.0 at capacity. */
  currentLoad(): number {
    return this.admission.sessionLoad();
  }

  /** The load reported to LiveKit: the session load, or the share of headroom used where higher (FULL at 1.0). */
  reportedLoad(): number {
    return this.admission.reportedLoad();
  }

  /** Offers refused so far by reason, and the headroom reading now. */
  get admissionStats() {
    return { refusals: { ...this.admission.refusals }, headroom: this.admission.headroom.read() };
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
    this.eventLoop.start();
    this.cleanups.push(() => this.eventLoop.stop());
    // Shared models load before the worker registers, so no session waits for them.
    await this.coroutines?.prewarm();
    this.server = new AgentServer(new ServerOptions({
      agent: this.poolKey!,
      wsURL: credentials.url ?? 'ws://127.0.0.1:7880',
      apiKey: credentials.apiKey ?? 'offline',
      apiSecret: credentials.apiSecret ?? 'offline',
      agentName: options.agentName,
      requestFunc: this.admission.requestFunc(),
      loadFunc: async () => this.reportedLoad(),
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
      // Process isolation: upstream watches each child (coroutine isolation: MemoryWatch, on the worker).
      ...(options.isolation === 'process' && options.memoryWarnMB !== undefined ? { jobMemoryWarnMB: options.memoryWarnMB } : {}),
      ...(options.isolation === 'process' && options.memoryLimitMB !== undefined ? { jobMemoryLimitMB: options.memoryLimitMB } : {}),
    }));
    // Reading activeJobs walks the pool's `processes`, which hands our host its ProcPool.
    void this.server.activeJobs;
    if (!this.procPool) throw new OpenRtcSetupError('The worker pool did not attach to the AgentServer.');
    // Headroom is measured from here on: loading the app and the models is no call's cost.
    this.admission.headroom.start();
    this.watchWorker();
    if (connect) await this.register(this.server, credentials as { url: string; apiKey: string; apiSecret: string });
    else {
      this.procPool.start();
      await startInferenceExecutor(this.procPool);
      this.cleanups.push(() => closeInferenceExecutor(this.procPool!));
    }
  }

  private async register(server: AgentServer, credentials: { url: string; apiKey: string; apiSecret: string }): Promise<void> {
    // Upstream retries refused credentials for ~80 s, saying only "failed to connect": ask once first.
    // (Before run(): upstream's close() waits for a run() it has not seen start.)
    if ((await probeWorkerAuth(credentials)) === 'refused') {
      this.server = undefined;
      await this.release();
      throw new OpenRtcSetupError(
        `LiveKit at ${credentials.url} refused the worker's credentials (401 Unauthorized): check LIVEKIT_API_KEY and LIVEKIT_API_SECRET ` +
          '(or OpenRtcModule option livekit: { apiKey, apiSecret }); they must be an API key and its secret of that LiveKit server or project.',
      );
    }
    this.connected = true;
    server.event.on('worker_msg', (message: { message?: { case?: string; value?: { jobId?: string; available?: boolean } } }) => {
      const { case: kind, value } = message.message ?? {};
      if (kind === 'availability' && value?.jobId) this.admission.answered(value.jobId, value.available === true);
    });
    const registered = new Promise<void>((resolve) =>
      server.event.once('worker_registered', () => {
        this.registered = true;
        resolve();
      }),
    );
    const run = server.run();
    this.running = run.catch((error) => {
      this.stopped = true;
      this.registered = false;
      this.logger.error(`The LiveKit worker stopped: ${(error as Error)?.message ?? error}`);
      this.supervisor.record(false, error);
    });
    // run() settles only at close() or once upstream stops retrying (an unreachable server after
    // ~80 s). Before registration that is a failed start, not a wait forever.
    const stopped = run.then(
      () => Promise.reject(new OpenRtcSetupError('The LiveKit worker closed before it registered.')),
      (error) => Promise.reject(new OpenRtcSetupError(`Could not register with LiveKit at ${credentials.url}: ${(error as Error)?.message ?? error}`, { cause: error })),
    );
    stopped.catch(() => undefined); // after registration, a stop is this.running's to report
    await Promise.race([registered, stopped]).catch(async (error) => {
      await server.close().catch(() => undefined); // its health server and inference process
      throw error;
    });
    this.logger.log(`Registered with LiveKit (${this.options.isolation} isolation).`);
  }

  private async createHost(): Promise<void> {
    const attach = (pool: ProcPoolLike) => {
      this.procPool = pool;
    };
    if (this.options.isolation === 'coroutine') {
      assertSupportedVersion();
      this.poolKey = `openrtc-coroutine:${process.pid}:${Math.random().toString(36).slice(2)}`;
      const coroutines = (this.coroutines = new CoroutinePool({
        entry: async (ctx: JobContext, hooks) => {
          const started = await this.entrypoint.run(ctx, await simulatedIo(ctx), hooks);
          this.sessions.started(ctx.job.id, started.info);
          watchAgentSession(started.session, (progress) => this.sessions.progress(ctx.job.id, progress));
          this.simulator.started(ctx.job.id);
          if (ctx.isFakeJob) onFirstAnswer(started.session, (text) => this.simulator.answered(ctx.job.id, text));
          return started;
        },
        prewarm: (proc) => prewarmSharedModels(proc, this.options.turnDetection, this.options.vad).then(() => undefined),
        onSessionEnded: (executor: CoroutineJobExecutor) => this.sessionEnded(executor.jobId, executor.status, executor.closeReason ?? 'ended', executor.error),
      }));
      const host: PoolHost = {
        attach,
        launchJob: (pool, info) => {
          this.admission.release(info.job.id);
          this.sessions.launched(info.job.id, info.job.room?.name ?? '', info.fakeJob === true);
          return coroutines.launchJob(pool, info);
        },
      };
      this.cleanups.push(this.faults.guardProcess(), holdRtcRuntime());
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
      launched: (pool, info) => this.watchChild(pool, info.job.id),
    };
    await registerPoolHost(this.poolKey, host);
  }

  /** Process mode: follows the child that runs `jobId` until it exits. */
  private watchChild(pool: ProcPoolLike, jobId: string): void {
    this.admission.release(jobId);
    const executor = pool.getByJobId(jobId);
    if (!executor) return;
    this.childProcesses += 1;
    const job = executor.runningJob;
    this.sessions.launched(jobId, job?.job.room?.name ?? '', job?.fakeJob === true);
    const onMessage = (kind: string, value: unknown) => {
      const message = value as { text?: unknown; reason?: unknown; error?: unknown; session?: { agentName: string; metadata: Record<string, unknown> }; progress?: SessionProgress } | undefined;
      if (kind === SESSION_STARTED_MESSAGE) {
        if (message?.session) this.sessions.started(jobId, message.session);
        this.simulator.started(jobId);
      } else if (kind === SESSION_PROGRESS_MESSAGE && message?.progress) this.sessions.progress(jobId, message.progress);
      else if (kind === SESSION_ANSWERED_MESSAGE) this.simulator.answered(jobId, String(message?.text ?? ''));
      else if (kind === SESSION_FAILED_MESSAGE) this.failedInChild.set(jobId, new Error(`${message?.reason}: ${message?.error}`));
    };
    void watchProcessJob(executor, onMessage).then(({ success, reason }) => {
      const failure = this.failedInChild.get(jobId);
      this.failedInChild.delete(jobId);
      const ok = success && !failure;
      this.sessionEnded(jobId, ok ? JobStatus.SUCCESS : JobStatus.FAILED, reason, ok ? undefined : (failure ?? new Error(`session process ended: ${reason}`)));
    });
  }

  private sessionEnded(jobId: string, status: JobStatus, reason: string, error?: unknown): void {
    this.sessions.ended(jobId, status === JobStatus.SUCCESS ? 'success' : 'failed', reason, error);
    this.outcomes.settle(jobId, status === JobStatus.SUCCESS ? 'success' : 'failed', reason, error);
    this.faults.sessionEnded(jobId, status === JobStatus.SUCCESS, error);
  }

  /** The worker's own watchers: the snapshot socket for `openrtc top` and, in coroutine isolation, the memory watermarks. */
  private watchWorker(): void {
    const served = serveSnapshots(() => topSnapshot(takeSnapshot(this, this.options)));
    this.cleanups.push(async () => (await served).close());
    if (this.coroutines) {
      const memory = new MemoryWatch(this.options.memoryWarnMB ?? 0, this.options.memoryLimitMB ?? 0, {
        sessions: () => sessionRows(takeSnapshot(this, this.options)),
        overLimit: () => void this.faults.drainThenExit(),
      });
      this.cleanups.push(memory.start());
    }
  }

  /** Launches a local session as a fake job (no room) through the same pool path as an assignment. */
  async simulateSession(spec: SimulateSessionOptions = {}): Promise<SimulatedSession> {
    if (!this.procPool) throw new OpenRtcSetupError('Start the pool before simulating sessions: await pool.start({ connect: false }).');
    if (this.draining) throw new OpenRtcSetupError('The worker is draining; it takes no new sessions.');
    return this.simulator.launch(this.procPool, this.server?.id ?? 'offline', spec);
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
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), Math.min(timeoutMs + 100, MAX_TIMER_MS)))),
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
    this.registered = false;
    this.admission.clear();
    const pool = this.procPool;
    const closing = this.connected ? server.close().then(() => this.running) : pool?.close();
    if (pool && !this.coroutines) {
      // server.close() closes the inference process first, then the pool: wait for the pool's turn.
      for (let i = 0; i < 200 && !pool.closed; i++) await new Promise((resolve) => setTimeout(resolve, 25));
      killIdleChildren(pool);
    }
    await closing;
    await this.release();
    await inferenceProcessExited(pool);
  }

  /** Lets go of what the host holds in this process: the pool seam's entry, the fault guard, the RTC runtime. */
  private async release(): Promise<void> {
    this.admission.headroom.stop();
    if (this.poolKey) unregisterPoolHost(this.poolKey);
    for (const cleanup of this.cleanups.reverse()) await cleanup();
    this.cleanups = [];
    this.procPool = undefined;
  }
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
