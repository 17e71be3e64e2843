import type { Isolation } from '../options/openrtc-options.interface.js';
import type { RuntimeSnapshot as PoolSnapshot } from '../observability/runtime-snapshot.interface.js';

/** One live session, as `openrtc top` shows it. */
export interface SessionRow {
  jobId: string;
  roomName: string;
  agentName?: string;
  /** Epoch milliseconds. */
  startedAt: number;
  state: string;
}

/** What `openrtc top` reads over the worker's snapshot socket: the part of `pool.snapshot()` it shows. */
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

/** The live sessions of `pool.snapshot()`, oldest first. */
export function sessionRows(snapshot: PoolSnapshot): SessionRow[] {
  return snapshot.sessions
    .map(({ jobId, roomName, agentName, startedAt, state }) => ({ jobId, roomName, ...(agentName ? { agentName } : {}), startedAt: Date.parse(startedAt), state }))
    .sort((a, b) => a.startedAt - b.startedAt);
}

/** `pool.snapshot()` in the shape `openrtc top` reads. */
export function topSnapshot(snapshot: PoolSnapshot): RuntimeSnapshot {
  const { worker } = snapshot;
  return {
    worker: {
      isolation: worker.isolation,
      registered: worker.registered,
      draining: worker.draining,
      load: worker.load,
      activeSessions: worker.activeSessions,
      maxConcurrentSessions: worker.limits.maxConcurrentSessions,
      rssBytes: worker.memory.rssBytes,
      loopDelayP99Ms: Math.round(worker.eventLoop.delayP99Ms * 10) / 10,
      offersRefused: Object.values(worker.offers.refused).reduce((sum, count) => sum + count, 0),
    },
    sessions: sessionRows(snapshot),
  };
}
