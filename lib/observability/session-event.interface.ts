/** What a session event handler gets about its session. @publicApi */
export interface SessionEventInfo {
  readonly jobId: string;
  readonly roomName: string;
  /** The agent it was routed to; undefined for a session that failed before it was routed. */
  readonly agentName?: string;
  /** The job's dispatch metadata, parsed (room metadata underneath, job metadata winning); `{}` before routing. */
  readonly metadata: Record<string, unknown>;
  /** When the job was launched on this worker. */
  readonly startedAt: Date;
  /** A simulated session (`pool.simulateSession()`), not a LiveKit call. */
  readonly simulated: boolean;
}

/** How a session ended, for `@OnSessionEnd()` (every session) and `@OnSessionFailed()` (failed ones). @publicApi */
export interface SessionEndOutcome {
  readonly status: 'success' | 'failed';
  /** Why it ended: e.g. 'room disconnected', 'shutdown request', 'job crashed', a reason given to ctx.shutdown(). */
  readonly reason: string;
  readonly error?: unknown;
  /** From launch to the end of teardown. */
  readonly durationMs: number;
}
