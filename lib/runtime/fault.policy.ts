import { Logger } from '@nestjs/common';
import { AgentRoutingError } from '../errors/openrtc.errors.js';
import { guardFaults, type UnattributedFault } from './coroutine/fault.guard.js';
import { FailureSupervisor, type FailureLimitEvent } from './failure.supervisor.js';

export interface FaultPolicyHost {
  /** True while the worker serves calls: started, neither draining nor closed. */
  serving(): boolean;
  /** True once a drain began (a shutdown, the failure limit, or an earlier fault). */
  draining(): boolean;
  /** Stops taking calls and waits up to drainTimeout for the running ones. */
  drain(): Promise<void>;
}

/**
 * Who counts as a failure, and what a fault outside every session does.
 *
 * The supervisor counts sessions that ran: not one cut off by our own drain or close, not one that
 * could not be routed (it never ran; offers for such jobs are refused), and not a simulated one
 * unless it asked to count. In coroutine isolation an uncaught exception or unhandled rejection that
 * belongs to a session ends that session (its executor does that); one that belongs to none leaves
 * the process's state in doubt, so the worker drains (no new offers, live calls go on up to
 * drainTimeout) and then the process exits non-zero, for the platform to restart it.
 */
export class FaultPolicy {
  readonly supervisor: FailureSupervisor;
  private readonly logger = new Logger('OpenRTC');
  private readonly excluded = new Set<string>();
  private stopping = false;

  constructor(limit: number, onLimit: (event: FailureLimitEvent) => unknown, private readonly host: FaultPolicyHost) {
    this.supervisor = new FailureSupervisor(limit, onLimit);
  }

  /** The session of this job will not count toward the supervisor. */
  exclude(jobId: string): void {
    this.excluded.add(jobId);
  }

  sessionEnded(jobId: string, success: boolean, error?: unknown): void {
    const excluded = this.excluded.delete(jobId);
    if (excluded || !this.host.serving()) return;
    if (!success && error instanceof AgentRoutingError) return;
    this.supervisor.record(success, error);
  }

  /** Coroutine isolation: takes over the process's uncaught exceptions and unhandled rejections. Returns the release. */
  guardProcess(): () => void {
    return guardFaults((fault) => void this.unattributed(fault));
  }

  /**
   * Stops taking calls, drains (running calls get up to drainTimeout), then ends the process
   * non-zero for the platform to restart it: the memory limit's action. Once per process.
   */
  async drainThenExit(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    process.exitCode = 1;
    // A drain already under way (a shutdown) ends the process itself; exitCode makes it non-zero.
    if (this.host.draining()) return;
    try {
      await this.host.drain();
    } catch (drainError) {
      this.logger.error(`The drain before exiting failed: ${(drainError as Error)?.message ?? drainError}`);
    }
    process.kill(process.pid, 'SIGTERM');
  }

  private async unattributed({ kind, error }: UnattributedFault): Promise<void> {
    const detail = (error as Error)?.stack ?? String(error);
    if (this.stopping) {
      this.logger.error(`Another ${kind} outside any session while the worker drains to exit: ${detail}`);
      return;
    }
    this.stopping = true;
    process.exitCode = 1;
    if (this.host.draining()) {
      this.logger.error(`${kind[0]!.toUpperCase()}${kind.slice(1)} outside any session during the drain; the process will exit non-zero: ${detail}`);
      return;
    }
    this.logger.error(
      `${kind[0]!.toUpperCase()}${kind.slice(1)} outside any session: ${detail}\n` +
        'No session owns it, so the state of the whole process is in doubt: draining (no new calls; running calls get up to drainTimeout), then exiting non-zero.',
    );
    try {
      await this.host.drain();
    } catch (drainError) {
      this.logger.error(`The drain after a fault failed: ${(drainError as Error)?.message ?? drainError}`);
    }
    // With app.enableShutdownHooks() (or the openrtc CLI) Nest closes the app on SIGTERM first.
    process.kill(process.pid, 'SIGTERM');
  }
}
