import type { ResolvedOpenRtcOptions } from '../options/openrtc-options.interface.js';
import type { WorkerRuntime } from '../runtime/worker.runtime.js';
import { readPss } from './event-loop.monitor.js';
import type { RuntimeSnapshot } from './runtime-snapshot.interface.js';

/** The worker and its live sessions at one moment (what `pool.snapshot()` returns). */
export function takeSnapshot(runtime: WorkerRuntime, options: ResolvedOpenRtcOptions): RuntimeSnapshot {
  const now = Date.now();
  const memory = process.memoryUsage();
  const pss = readPss();
  return {
    takenAt: new Date(now).toISOString(),
    worker: {
      pid: process.pid,
      isolation: options.isolation,
      started: runtime.started,
      registered: runtime.registered,
      draining: runtime.isDraining,
      activeSessions: runtime.activeSessions,
      load: runtime.currentLoad(),
      limits: { maxConcurrentSessions: options.maxConcurrentSessions, drainTimeoutSeconds: options.drainTimeout, consecutiveFailureLimit: options.consecutiveFailureLimit },
      uptimeSeconds: process.uptime(),
      memory: { rssBytes: memory.rss, ...(pss !== undefined ? { pssBytes: pss } : {}), heapUsedBytes: memory.heapUsed },
      eventLoop: runtime.eventLoop.read(),
      sessions: { succeeded: runtime.outcomes.succeeded, failed: runtime.outcomes.failed, consecutiveFailures: runtime.supervisor.consecutiveFailures },
      offers: { accepted: runtime.offers.accepted, refused: { ...runtime.offers.refused } },
    },
    sessions: runtime.sessions.snapshot(now),
  };
}
