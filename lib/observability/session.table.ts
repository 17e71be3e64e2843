import type { RuntimeEvents } from './runtime.events.js';
import type { SessionSnapshot, SessionState } from './runtime-snapshot.interface.js';
import type { SessionEventInfo } from './session-event.interface.js';

/** What the runtime learns about a session as it goes (from the session itself or, in process isolation, from its child). */
export interface SessionProgress {
  state?: SessionState;
  turns?: number;
  replies?: number;
}

interface Row {
  jobId: string;
  roomName: string;
  agentName?: string;
  metadata: Record<string, unknown>;
  startedAt: Date;
  launchedAt: number;
  simulated: boolean;
  state: SessionState;
  turns: number;
  replies: number;
  announced: boolean;
}

/** The worker's live sessions, one row each from launch to the end of teardown; tells RuntimeEvents as they start and end. */
export class SessionTable {
  private readonly rows = new Map<string, Row>();

  constructor(private readonly events: RuntimeEvents) {}

  get size(): number {
    return this.rows.size;
  }

  launched(jobId: string, roomName: string, simulated: boolean): void {
    if (this.rows.has(jobId)) return;
    this.rows.set(jobId, {
      jobId, roomName, metadata: {}, startedAt: new Date(), launchedAt: performance.now(), simulated, state: 'starting', turns: 0, replies: 0, announced: false,
    });
  }

  /** The session runs, routed to `agentName`. */
  started(jobId: string, session: { agentName: string; metadata: Record<string, unknown>; roomName?: string }): void {
    const row = this.rows.get(jobId);
    if (!row || row.announced) return;
    row.agentName = session.agentName;
    row.metadata = session.metadata;
    if (session.roomName) row.roomName = session.roomName;
    if (row.state === 'starting') row.state = 'initializing';
    row.announced = true;
    this.events.emit('sessionStarted', info(row));
  }

  progress(jobId: string, update: SessionProgress): void {
    const row = this.rows.get(jobId);
    if (!row || row.state === 'ending') return;
    if (update.state) row.state = update.state;
    if (update.turns !== undefined) row.turns = update.turns;
    if (update.replies !== undefined) row.replies = update.replies;
  }

  ending(jobId: string): void {
    const row = this.rows.get(jobId);
    if (row) row.state = 'ending';
  }

  ended(jobId: string, status: 'success' | 'failed', reason: string, error?: unknown): void {
    const row = this.rows.get(jobId);
    if (!row) return;
    this.rows.delete(jobId);
    const durationMs = performance.now() - row.launchedAt;
    this.events.emit('sessionEnded', info(row), { status, reason, ...(error !== undefined ? { error } : {}), durationMs });
  }

  snapshot(now = Date.now()): SessionSnapshot[] {
    return [...this.rows.values()].map((row) => ({
      jobId: row.jobId,
      roomName: row.roomName,
      ...(row.agentName !== undefined ? { agentName: row.agentName } : {}),
      startedAt: row.startedAt.toISOString(),
      ageSeconds: Math.max(0, (now - row.startedAt.getTime()) / 1000),
      state: row.state,
      turns: row.turns,
      replies: row.replies,
      simulated: row.simulated,
    }));
  }

  /** Sessions by agent (unrouted ones under ''), for the active-sessions gauge. */
  countByAgent(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const row of this.rows.values()) counts.set(row.agentName ?? '', (counts.get(row.agentName ?? '') ?? 0) + 1);
    return counts;
  }
}

function info(row: Row): SessionEventInfo {
  return Object.freeze({
    jobId: row.jobId,
    roomName: row.roomName,
    ...(row.agentName !== undefined ? { agentName: row.agentName } : {}),
    metadata: row.metadata,
    startedAt: row.startedAt,
    simulated: row.simulated,
  });
}
