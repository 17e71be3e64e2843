/** @publicApi */
export interface SessionOutcome {
  jobId: string;
  status: 'success' | 'failed';
  /** Why the session ended: e.g. 'room disconnected', 'shutdown request', a reason given to ctx.shutdown(). */
  reason: string;
  error?: unknown;
}

/** Lets callers await how a given job ended, and counts endings for stats. */
export class SessionOutcomeTracker {
  private readonly waiting = new Map<string, (outcome: SessionOutcome) => void>();
  succeeded = 0;
  failed = 0;

  expect(jobId: string): Promise<SessionOutcome> {
    return new Promise((resolve) => this.waiting.set(jobId, resolve));
  }

  settle(jobId: string, status: SessionOutcome['status'], reason: string, error?: unknown): void {
    if (status === 'success') this.succeeded += 1;
    else this.failed += 1;
    this.waiting.get(jobId)?.({ jobId, status, reason, error });
    this.waiting.delete(jobId);
  }
}
