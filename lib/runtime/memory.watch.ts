import { Logger } from '@nestjs/common';
import type { SessionRow } from './snapshot.js';

const MB = 1024 * 1024;
/** How often the worker's RSS is read (cheap: one syscall). */
const INTERVAL_MS = 1000;
/** Sessions named in a warning. */
const LISTED = 5;

export interface MemoryWatchHost {
  sessions(): SessionRow[];
  /** RSS above the limit: stop taking calls, drain, exit non-zero. Called once. */
  overLimit(rssMB: number): void;
}

/**
 * Coroutine isolation's memory watermarks on the worker process's RSS (process isolation leaves
 * them to upstream, per child). Above `warnMB`: one warning per crossing, naming the oldest
 * sessions (one process cannot tell which session holds the memory); it re-arms once RSS falls back
 * below. Above `limitMB`: one error, then the host drains and exits.
 */
export class MemoryWatch {
  private readonly logger = new Logger('OpenRTC');
  private timer?: NodeJS.Timeout;
  private warned = false;
  private limited = false;

  constructor(
    private readonly warnMB: number,
    private readonly limitMB: number,
    private readonly host: MemoryWatchHost,
    private readonly rssBytes: () => number = () => process.memoryUsage.rss(),
  ) {}

  start(): () => void {
    if (this.warnMB > 0 || this.limitMB > 0) {
      this.timer = setInterval(() => this.check(), INTERVAL_MS);
      this.timer.unref();
    }
    return () => clearInterval(this.timer);
  }

  check(): void {
    const rssMB = this.rssBytes() / MB;
    if (this.limitMB > 0 && rssMB > this.limitMB) {
      if (this.limited) return;
      this.limited = true;
      clearInterval(this.timer);
      this.logger.error(
        `Worker memory ${Math.round(rssMB)} MB is above memoryLimitMB ${this.limitMB}: refusing new calls, draining (up to drainTimeout), then exiting non-zero for the platform to restart the worker. ${this.describeSessions()}`,
      );
      this.host.overLimit(rssMB);
      return;
    }
    if (this.warnMB <= 0) return;
    if (rssMB <= this.warnMB) {
      this.warned = false;
      return;
    }
    if (this.warned) return;
    this.warned = true;
    const limit = this.limitMB > 0 ? `memoryLimitMB ${this.limitMB} drains and restarts the worker` : 'no memoryLimitMB is set';
    this.logger.warn(`Worker memory ${Math.round(rssMB)} MB is above memoryWarnMB ${this.warnMB} (${limit}). ${this.describeSessions()}`);
  }

  private describeSessions(): string {
    const sessions = this.host.sessions();
    if (sessions.length === 0) return 'No session is running.';
    const now = Date.now();
    const listed = sessions
      .slice(0, LISTED)
      .map((s) => `'${s.agentName ?? '(unrouted)'}' room=${s.roomName} job=${s.jobId} for ${Math.round((now - s.startedAt) / 1000)}s`);
    return `Sessions (${sessions.length}, oldest first): ${listed.join('; ')}${sessions.length > LISTED ? '; …' : ''}.`;
  }
}
