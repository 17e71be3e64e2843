import { monitorEventLoopDelay, performance, type EventLoopUtilization, type IntervalHistogram } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';

/** How long one measuring window of the event loop lasts. */
const WINDOW_MS = 10_000;

/**
 * Event-loop delay (p99) and utilization over the last full window, with the window in progress
 * used until the first one completes. One per worker; its timer does not hold the process open.
 */
export class EventLoopMonitor {
  private histogram?: IntervalHistogram;
  private timer?: NodeJS.Timeout;
  private windowStart?: EventLoopUtilization;
  private last = { delayP99Ms: 0, utilization: 0 };
  private completed = false;

  start(): void {
    if (this.histogram) return;
    this.histogram = monitorEventLoopDelay({ resolution: 10 });
    this.histogram.enable();
    this.windowStart = performance.eventLoopUtilization();
    this.timer = setInterval(() => this.rotate(), WINDOW_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.histogram?.disable();
    this.histogram = undefined;
    this.timer = undefined;
  }

  read(): { delayP99Ms: number; utilization: number } {
    if (!this.histogram) return { delayP99Ms: 0, utilization: 0 };
    return this.completed ? this.last : this.current();
  }

  private current(): { delayP99Ms: number; utilization: number } {
    const p99 = this.histogram!.count > 0 ? this.histogram!.percentile(99) / 1e6 : 0;
    return { delayP99Ms: round(p99), utilization: round(performance.eventLoopUtilization(this.windowStart).utilization) };
  }

  private rotate(): void {
    this.last = this.current();
    this.completed = true;
    this.histogram!.reset();
    this.windowStart = performance.eventLoopUtilization();
  }
}

const round = (value: number) => Math.round(value * 1000) / 1000;

/** Proportional set size of this process (Linux); undefined elsewhere. */
export function readPss(): number | undefined {
  try {
    const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync('/proc/self/smaps_rollup', 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
