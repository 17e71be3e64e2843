import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Isolation } from '../options/openrtc-options.interface.js';

/** One live session, as `openrtc top` shows it. */
export interface SessionRow {
  jobId: string;
  roomName: string;
  agentName?: string;
  /** Epoch milliseconds. */
  startedAt: number;
  state: 'starting' | 'active' | 'closing';
}

export interface RuntimeSnapshot {
  worker: {
    isolation: Isolation;
    registered: boolean;
    draining: boolean;
    load: number;
    activeSessions: number;
    maxConcurrentSessions: number;
    rssBytes: number;
    loopDelayP99Ms: number;
    offersRefused: number;
  };
  sessions: SessionRow[];
}

/** What the worker runtime exposes to the snapshot. */
export interface SnapshotSource {
  isolation: Isolation;
  registered: boolean;
  isDraining: boolean;
  activeSessions: number;
  maxConcurrentSessions: number;
  offersRefused: number;
  currentLoad(): number;
  sessionRows(): SessionRow[];
}

/** Event-loop delay is reported over the last full window and the current one. */
const LOOP_WINDOW_MS = 5000;
let loopDelay: IntervalHistogram | undefined;
let lastWindowP99Ms = 0;

const p99Ms = (histogram: IntervalHistogram | undefined) => (histogram && histogram.count > 0 ? histogram.percentile(99) / 1e6 : 0);

/** Starts sampling event-loop delay (once per process), in windows, so any number of readers see the same figure. */
export function watchLoopDelay(): void {
  if (loopDelay) return;
  const histogram = (loopDelay = monitorEventLoopDelay({ resolution: 10 }));
  histogram.enable();
  setInterval(() => {
    lastWindowP99Ms = p99Ms(histogram);
    histogram.reset();
  }, LOOP_WINDOW_MS).unref();
}

/**
 * The worker's state for `openrtc top`. The one place that turns the runtime into the snapshot's
 * shape (to be reconciled with `pool.snapshot()`).
 */
export function runtimeSnapshot(source: SnapshotSource): RuntimeSnapshot {
  const p99 = Math.max(lastWindowP99Ms, p99Ms(loopDelay));
  return {
    worker: {
      isolation: source.isolation,
      registered: source.registered,
      draining: source.isDraining,
      load: source.currentLoad(),
      activeSessions: source.activeSessions,
      maxConcurrentSessions: source.maxConcurrentSessions,
      rssBytes: process.memoryUsage.rss(),
      loopDelayP99Ms: Math.round(p99 * 10) / 10,
      offersRefused: source.offersRefused,
    },
    sessions: source.sessionRows().sort((a, b) => a.startedAt - b.startedAt),
  };
}
