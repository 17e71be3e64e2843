import type { JobRequest } from '@livekit/agents';
import type { ResolvedOpenRtcOptions } from '../options/openrtc-options.interface.js';
import type { AgentResolver } from '../routing/agent.resolver.js';
import { createRequestFilter } from '../routing/job-request.filter.js';
import type { OfferRefusal } from '../observability/runtime-snapshot.interface.js';

/** How long an accepted offer holds a session slot while LiveKit sends the assignment. */
const RESERVATION_MS = 10_000;

export interface WorkerState {
  draining(): boolean;
  /** Sessions running now. */
  activeSessions(): number;
  /** How an offer was answered (once per offer). */
  offered?(outcome: 'accepted' | OfferRefusal): void;
}

/**
 * What an offer gets, and why: refused while the worker drains, at capacity, or when this worker
 * cannot route the job (an unknown agent name, decided from the job at the offer, so LiveKit can
 * give it to a worker that can); otherwise the app's filter decides. An accepted offer holds a
 * session slot until its assignment arrives, so a burst of offers cannot overshoot capacity.
 */
export class OfferAdmission {
  private readonly reservations = new Map<string, NodeJS.Timeout>();
  /** Offers requestFunc was asked about whose answer has not been sent yet. */
  private readonly asked = new Set<string>();

  constructor(
    private readonly options: ResolvedOpenRtcOptions,
    private readonly resolver: AgentResolver,
    private readonly worker: WorkerState,
  ) {}

  /** Offers accepted whose assignment has not arrived yet. */
  get reserved(): number {
    return this.reservations.size;
  }

  /** The AgentServer's requestFunc. */
  requestFunc() {
    const filter = createRequestFilter(this.options, this.resolver, {
      draining: () => this.worker.draining(),
      reserve: (jobId) => this.reserve(jobId),
      offered: (outcome) => this.worker.offered?.(outcome),
    });
    return (request: JobRequest) => {
      this.asked.add(request.id);
      return filter(request);
    };
  }

  /**
   * The AgentServer answered an offer (its availability message). While it drains it refuses
   * offers itself, without asking requestFunc: those are counted here as refused for draining.
   */
  answered(jobId: string, available: boolean): void {
    if (this.asked.delete(jobId) || available) return;
    this.worker.offered?.('draining');
  }

  /** The assignment arrived (or the job launched): its slot now counts as an active session. */
  release(jobId: string): void {
    clearTimeout(this.reservations.get(jobId));
    this.reservations.delete(jobId);
  }

  clear(): void {
    this.asked.clear();
    for (const timer of this.reservations.values()) clearTimeout(timer);
    this.reservations.clear();
  }

  private reserve(jobId: string): boolean {
    if (this.worker.activeSessions() + this.reservations.size >= this.options.maxConcurrentSessions) return false;
    const timer = setTimeout(() => this.reservations.delete(jobId), RESERVATION_MS);
    timer.unref();
    this.reservations.set(jobId, timer);
    return true;
  }
}
