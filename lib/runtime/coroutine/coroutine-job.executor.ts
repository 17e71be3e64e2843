import { Logger } from '@nestjs/common';
import { JobContext, runWithJobContextAsync, type JobProcess, type RunningJobInfo } from '@livekit/agents';
import { Room, RoomEvent } from '@livekit/rtc-node';
import { JobStatus, releaseClosedSessionTimers, type InferenceExecutorLike, type JobExecutor } from '../livekit-internals.js';
import type { SessionHooks } from '../../session/session.entrypoint.js';
import { runInSession, type FaultKind, type SessionOwner } from './session-scope.js';
import { runWithLogContext, type LogContext } from '../../logging/log-context.js';

/** How long teardown waits for an entry function that is still running (upstream's grace). */
const ENTRY_GRACE_MS = 15_000;
/** Bound on AgentSession.close() and each teardown step, as upstream's job process does. */
const STEP_TIMEOUT_MS = 60_000;

export type SessionEntry = (ctx: JobContext, hooks: SessionHooks) => Promise<unknown>;

export interface CoroutineJobOptions {
  proc: JobProcess;
  entry: SessionEntry;
  inferenceExecutor?: InferenceExecutorLike;
  /** Called once when the session has ended and been torn down (or was killed). */
  onEnded: (executor: CoroutineJobExecutor) => void;
}

const noInference = { doInference: async () => Promise.reject(new Error('no inference process is running')) };

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout;
  return Promise.race([promise, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)))]).finally(() => clearTimeout(timer));
}

/**
 * One session as async work in this process: upstream's JobExecutor contract, with the child
 * process's job lifecycle (job_proc_lazy_main) run inline. Never disposes the FFI or exits.
 */
export class CoroutineJobExecutor implements JobExecutor, SessionOwner {
  started = false;
  userArguments: unknown = undefined;
  runningJob: RunningJobInfo | undefined = undefined;
  status = JobStatus.RUNNING;
  error: unknown;
  closeReason: string | undefined;
  /** The agent the session was routed to, once it is known. */
  agentName: string | undefined;
  readonly launchedAt = performance.now();

  private readonly logger = new Logger('OpenRTC');
  private readonly ended: Promise<void>;
  private markEnded!: () => void;
  private requestClose!: (reason: string) => void;
  private closing = false;
  private readonly closeRequested = new Promise<string>(
    (resolve) =>
      (this.requestClose = (reason) => {
        this.closing = true;
        resolve(reason);
      }),
  );
  private ctx?: JobContext;
  private room?: Room;
  private finished = false;

  constructor(private readonly options: CoroutineJobOptions) {
    this.ended = new Promise((resolve) => (this.markEnded = resolve));
  }

  get jobId(): string {
    return this.runningJob?.job.id ?? '(no job)';
  }

  get tearingDown(): boolean {
    return this.closeReason !== undefined;
  }

  async start(): Promise<void> {
    this.started = true;
  }

  async initialize(): Promise<void> {}

  join(): Promise<void> {
    return this.ended;
  }

  /** Graceful end (termination, drain, simulated hang-up): teardown runs, then join resolves. */
  async close(): Promise<void> {
    if (!this.runningJob) {
      this.finish();
      return;
    }
    this.requestClose('shutdown request');
    await this.ended;
  }

  /** Abandons the session's work: closes its session and room without waiting, and ends it as FAILED. */
  kill(reason: string): void {
    if (this.finished) return;
    this.closeReason ??= reason;
    this.status = JobStatus.FAILED;
    this.error ??= new Error(reason);
    const session = this.ctx?._primaryAgentSession;
    session?.close().then(() => releaseClosedSessionTimers(session), () => undefined);
    this.room?.disconnect().catch(() => undefined);
    this.finish();
  }

  onFault(kind: FaultKind, error: unknown): void {
    const where = `Job '${this.jobId}' (agent '${this.agentName ?? '(unrouted)'}')`;
    const detail = (error as Error)?.stack ?? String(error);
    if (this.finished) {
      // A timer the session left behind: nothing is left to end, and no other call is affected.
      this.logger.warn(`${where}: ${kind} after the session had ended: ${detail}`);
      return;
    }
    if (this.tearingDown && kind === 'unhandled rejection') {
      // Streams closed under a pending read may reject promises nobody awaits: teardown noise, not a fault.
      this.logger.debug?.(`${where}: rejection during teardown ignored: ${(error as Error)?.message ?? error}`);
      return;
    }
    this.logger.error(`${where}: ${kind}; ending the session as failed: ${detail}`);
    this.failSession(error, kind);
  }

  /** Ends the session as FAILED, with teardown (a fault the session itself reported, or one seen on its behalf). */
  failSession(error: unknown, reason: string): void {
    this.fail(error);
    this.requestClose(reason);
  }

  async launchJob(info: RunningJobInfo): Promise<void> {
    this.runningJob = info;
    const room = (this.room = new Room());
    const ctx = (this.ctx = new JobContext(
      this.options.proc,
      info,
      room,
      () => {},
      (reason: string) => this.requestClose(reason || 'shutdown'),
      (this.options.inferenceExecutor ?? noInference) as never,
    ));
    room.on(RoomEvent.Disconnected, () => this.requestClose('room disconnected'));
    // Every log line of this call (its teardown's too) names it.
    const logContext: LogContext = { jobId: info.job.id, roomName: info.job.room?.name || undefined };
    const hooks: SessionHooks = {
      routed: (agentName) => (this.agentName = logContext.agentName = agentName),
      failed: (error, reason) => this.failSession(error, reason),
    };
    const entry = runWithLogContext(logContext, () => runInSession(this, () => runWithJobContextAsync(ctx, () => this.options.entry(ctx, hooks))));
    entry.catch((error) => {
      // As in a job process: once the job is closing (e.g. terminated while ctx.connect() was still
      // pending), the entry's failure is part of the teardown, not a crash of the call.
      if (this.closing) return;
      this.fail(error);
      this.requestClose('job crashed');
    });
    void runWithLogContext(logContext, () => runInSession(this, () => this.lifecycle(entry)));
  }

  private fail(error: unknown): void {
    this.status = JobStatus.FAILED;
    this.error ??= error;
  }

  private async lifecycle(entry: Promise<unknown>): Promise<void> {
    this.closeReason = await this.closeRequested;
    const ctx = this.ctx!;
    try {
      await withTimeout(entry.catch(() => undefined), ENTRY_GRACE_MS);
      // Upstream's order: session close, session-end report, room disconnect, shutdown callbacks.
      await runWithJobContextAsync(ctx, async () => {
        const session = ctx._primaryAgentSession;
        if (session) {
          await withTimeout(session.close(), STEP_TIMEOUT_MS);
          releaseClosedSessionTimers(session);
          await withTimeout(ctx._onSessionEnd(), STEP_TIMEOUT_MS);
        }
        await withTimeout(this.room!.disconnect(), STEP_TIMEOUT_MS);
        await withTimeout(Promise.allSettled(ctx.shutdownCallbacks.map((callback) => callback())), STEP_TIMEOUT_MS);
      });
    } catch (error) {
      this.logger.error(`Job '${this.jobId}': teardown failed: ${(error as Error)?.message ?? error}`);
      this.fail(error);
    }
    if (this.status === JobStatus.RUNNING) this.status = JobStatus.SUCCESS;
    this.finish();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.options.onEnded(this);
    this.markEnded();
  }
}
