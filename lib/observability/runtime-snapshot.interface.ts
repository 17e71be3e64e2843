import type { Isolation } from '../options/openrtc-options.interface.js';

/** Why an offer was refused: `filter` is the app's `requestFilter` or `acceptOnlyRegisteredRooms`. @publicApi */
export type OfferRefusal = 'capacity' | 'headroom' | 'draining' | 'unroutable' | 'filter';

/**
 * What a live session is doing: `starting` until its AgentSession runs, then upstream's agent
 * state (`initializing`, `idle`, `listening`, `thinking`, `speaking`), `ending` once teardown began.
 * @publicApi
 */
export type SessionState = 'starting' | 'initializing' | 'idle' | 'listening' | 'thinking' | 'speaking' | 'ending';

/** One live session of the worker. @publicApi */
export interface SessionSnapshot {
  jobId: string;
  roomName: string;
  /** Undefined until the job was routed. */
  agentName?: string;
  /** When the job was launched on this worker (ISO 8601). */
  startedAt: string;
  ageSeconds: number;
  state: SessionState;
  /** Turns the caller has taken so far (user messages committed to the conversation). */
  turns: number;
  /** Replies the agent has given so far (a greeting counts). */
  replies: number;
  /** A simulated session (`pool.simulateSession()`), not a LiveKit call. */
  simulated: boolean;
}

/** The worker as a whole. @publicApi */
export interface WorkerSnapshot {
  pid: number;
  isolation: Isolation;
  /** The worker was built (`pool.start()` ran, connected or not). */
  started: boolean;
  /** Registered with LiveKit and not closed: offers can arrive. */
  registered: boolean;
  /** A drain began: no new offers are taken. */
  draining: boolean;
  activeSessions: number;
  /** (active + reserved) / maxConcurrentSessions: what LiveKit sees. */
  load: number;
  limits: { maxConcurrentSessions: number; drainTimeoutSeconds: number; consecutiveFailureLimit: number };
  uptimeSeconds: number;
  memory: {
    rssBytes: number;
    /** Proportional set size (Linux `/proc/self/smaps_rollup`); undefined where the platform has none. */
    pssBytes?: number;
    heapUsedBytes: number;
  };
  eventLoop: {
    /** 99th percentile of event-loop delay over the last window (about 10 s), in milliseconds. */
    delayP99Ms: number;
    /** Share of the last window the event loop was busy, 0..1. */
    utilization: number;
  };
  /** Sessions that ended since start. */
  sessions: { succeeded: number; failed: number; consecutiveFailures: number };
  /** Offers answered since start. */
  offers: { accepted: number; refused: Record<OfferRefusal, number> };
}

/** `pool.snapshot()`: the worker and its live sessions, at one moment. @publicApi */
export interface RuntimeSnapshot {
  /** When it was taken (ISO 8601). */
  takenAt: string;
  worker: WorkerSnapshot;
  sessions: SessionSnapshot[];
}
