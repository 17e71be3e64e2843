import { readFileSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';

/** How far back a reading looks: long enough to smooth a speech burst, short enough to react within seconds. */
export const HEADROOM_WINDOW_MS = 3000;
/** How often a snapshot is taken; a reading spans from the oldest snapshot inside the window to now. */
const SAMPLE_MS = 500;
/** Linux reports child CPU in clock ticks; 100 per second on every common kernel build. */
const CLOCK_TICKS_PER_SECOND = 100;

export interface HeadroomLimits {
  /** Event-loop utilization at or above which offers are refused; false: not checked. */
  maxEventLoopUtilization: number | false;
  /** CPU of this worker and its child processes over the available cores, at or above which offers are refused; false: not checked. */
  maxCpuUtilization: number | false;
}

/** @publicApi */
export interface HeadroomReading {
  /** Event-loop utilization of this process over the last few seconds (0-1), or undefined before the first reading. */
  eventLoopUtilization?: number;
  /** CPU of this worker and its child processes over the last few seconds, as a share of the available cores (0-1). */
  cpuUtilization?: number;
  /** The larger of the two as a share of its limit: 1 or more means no headroom. 0 when both checks are off. */
  load: number;
  /** Why offers are refused now, or undefined while there is headroom. */
  exhausted?: 'event loop' | 'cpu';
}

interface Snapshot {
  at: number;
  elu: EventLoopUtilization;
  cpuMicros: number;
}

/**
 * Measures what is left of this worker's capacity, beside maxConcurrentSessions: the event loop's
 * utilization (past ~0.7 its delay rises like a cliff: bench notes, call-cost) and the CPU of the
 * worker's process tree (where sessions run in child processes, the loop is not the limit).
 * Snapshots are taken on an unref'd timer; a reading spans the last HEADROOM_WINDOW_MS.
 */
export class HeadroomMonitor {
  private snapshots: Snapshot[] = [];
  private timer?: NodeJS.Timeout;
  private readonly cores = availableParallelism();

  constructor(private readonly limits: HeadroomLimits) {}

  /** Measures even with both checks off: the readings are in pool.stats() for dashboards and benches. */
  start(): void {
    if (this.timer) return;
    this.snapshots = [this.snapshot()];
    this.timer = setInterval(() => {
      this.snapshots.push(this.snapshot());
      // Keep the newest snapshot that is at least a window old, as the reading's start.
      const cutoff = Date.now() - HEADROOM_WINDOW_MS;
      while (this.snapshots.length > 2 && this.snapshots[1]!.at <= cutoff) this.snapshots.shift();
    }, SAMPLE_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.snapshots = [];
  }

  /** The reading over the last window; no figures (full headroom) until a first sample has passed. */
  read(): HeadroomReading {
    const from = this.snapshots[0];
    if (!from || Date.now() - from.at < SAMPLE_MS) return { load: 0 };
    const now = this.snapshot();
    const wallMicros = (now.at - from.at) * 1000;
    const eventLoopUtilization = performance.eventLoopUtilization(now.elu, from.elu).utilization;
    const cpuUtilization = Math.max(0, now.cpuMicros - from.cpuMicros) / (wallMicros * this.cores);
    const { maxEventLoopUtilization: maxElu, maxCpuUtilization: maxCpu } = this.limits;
    const loopLoad = maxElu === false ? 0 : eventLoopUtilization / maxElu;
    const cpuLoad = maxCpu === false ? 0 : cpuUtilization / maxCpu;
    const exhausted = loopLoad >= 1 ? 'event loop' : cpuLoad >= 1 ? 'cpu' : undefined;
    return { eventLoopUtilization, cpuUtilization, load: Math.max(loopLoad, cpuLoad), exhausted };
  }

  private snapshot(): Snapshot {
    const self = process.cpuUsage();
    return { at: Date.now(), elu: performance.eventLoopUtilization(), cpuMicros: self.user + self.system + childrenCpuMicros(process.pid) };
  }
}

/** CPU used so far by the running descendants of `pid` (Linux /proc; 0 elsewhere). */
function childrenCpuMicros(pid: number, depth = 0): number {
  if (process.platform !== 'linux' || depth > 4) return 0;
  let total = 0;
  for (const child of childPids(pid)) {
    try {
      // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
      const stat = readFileSync(`/proc/${child}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS_PER_SECOND;
    } catch {
      continue; // exited meanwhile
    }
    total += childrenCpuMicros(child, depth + 1);
  }
  return total;
}

function childPids(pid: number): number[] {
  try {
    const pids: number[] = [];
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      for (const child of readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ')) if (child) pids.push(Number(child));
    }
    return pids;
  } catch {
    return [];
  }
}
