import { Logger } from '@nestjs/common';

/** @publicApi */
export interface FailureLimitEvent {
  consecutiveFailures: number;
  lastError: unknown;
}

/**
 * Counts session endings: `limit` non-successful endings in a row call `onLimit` once; any success
 * resets the count and re-arms it. A throwing handler is logged, never propagated.
 */
export class FailureSupervisor {
  private readonly logger = new Logger('OpenRTC');
  private failures = 0;
  private tripped = false;

  constructor(
    private readonly limit: number,
    private readonly onLimit: (event: FailureLimitEvent) => unknown,
  ) {}

  get consecutiveFailures(): number {
    return this.failures;
  }

  record(success: boolean, error?: unknown): void {
    if (success) {
      this.failures = 0;
      this.tripped = false;
      return;
    }
    this.failures += 1;
    if (this.failures < this.limit || this.tripped) return;
    this.tripped = true;
    this.logger.error(`${this.failures} sessions in a row ended without success (consecutiveFailureLimit ${this.limit}); last error: ${(error as Error)?.message ?? error}`);
    Promise.resolve()
      .then(() => this.onLimit({ consecutiveFailures: this.failures, lastError: error }))
      .catch((handlerError) => this.logger.error(`The failure-limit handler threw: ${(handlerError as Error)?.message ?? handlerError}`));
  }
}
