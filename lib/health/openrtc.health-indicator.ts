import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { OPENRTC_POOL } from '../openrtc.constants.js';
import type { AgentPool } from '../runtime/agent-pool.js';

/**
 * `@nestjs/terminus` (11+) indicators for the worker. `isAlive`: the worker runs (started, its
 * LiveKit connection not given up). `isReady`: registered with LiveKit and not draining; it turns
 * down the moment a drain starts, so the platform stops routing to this instance before its calls end.
 * List it in the providers of the module that imports `TerminusModule`.
 * @publicApi
 */
@Injectable()
export class OpenRtcHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    @Inject(OPENRTC_POOL) private readonly pool: AgentPool,
  ) {}

  /** Liveness: down only when the worker is not running (not started, closed, or its LiveKit connection stopped). */
  isAlive(key = 'openrtc'): HealthIndicatorResult {
    const indicator = this.health.check(key);
    const stats = this.pool.stats();
    const details = { isolation: stats.isolation, activeSessions: stats.activeSessions, draining: stats.draining };
    if (!stats.started) return indicator.down({ ...details, reason: 'the worker is not running (not started yet, or closed)' });
    if (stats.stopped) return indicator.down({ ...details, reason: 'the LiveKit worker stopped (see the error logged)' });
    return indicator.up(details);
  }

  /** Readiness: registered with LiveKit and not draining. */
  isReady(key = 'openrtc'): HealthIndicatorResult {
    const indicator = this.health.check(key);
    const stats = this.pool.stats();
    const details = { registered: stats.registered, draining: stats.draining, activeSessions: stats.activeSessions, load: stats.load };
    if (stats.draining) return indicator.down({ ...details, reason: 'draining: no new calls are taken' });
    if (!stats.registered) return indicator.down({ ...details, reason: 'not registered with LiveKit' });
    return indicator.up(details);
  }
}
