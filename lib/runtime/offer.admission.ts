import type { JobRequest } from '@livekit/agents';
import type { ResolvedOpenRtcOptions } from '../options/openrtc-options.interface.js';
import type { AgentResolver } from '../routing/agent.resolver.js';
import { createRequestFilter, type AdmissionRefusal } from '../routing/job-request.filter.js';
import { HeadroomMonitor, type HeadroomReading } from './headroom.monitor.js';
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

/** @publicApi Offers refused so far, by reason. */
export type RefusalCounts = Record<AdmissionRefusal, number>;

/**
 * What an offer gets, and why: refused while the worker drains, at capacity, without headroom
 * (its event loop or CPU too busy over the last seconds: an offer taken then would degrade every
 * call), or when this worker cannot route the job (an unknown agent name, decided from the job at
 * the offer, so LiveKit can give it to a worker that can); otherwise the app's filter decides. An
 * accepted offer holds a session slot until its assignment arrives, so a burst of offers cannot
 * overshoot capacity.
 */
export class OfferAdmission {
  private readonly reservations = new Map<string, NodeJS.Timeout>();
  readonly headroom: HeadroomMonitor;
  readonly refusals: RefusalCounts = { capacity: 0, headroom: 0, draining: 0 };
  /** Offers requestFunc was asked about whose answer has not been sent yet. */
  private readonly asked = new Set<string>();

  constructor(
    private readonly options: ResolvedOpenRtcOptions,
    private readonly resolver: AgentResolver,
    private readonly worker: WorkerState,
  ) {
    this.headroom = new HeadroomMonitor(options);
  }

  /** Sessions held and offers reserved, over maxConcurrentSessions: 1 at capacity. */
  sessionLoad(): number {
    return (this.worker.activeSessions() + this.reservations.size) / this.options.maxConcurrentSessions;
  }

  /** What LiveKit is told: the session load, or the headroom used where that is higher (capped at 1, FULL). */
  reportedLoad(reading: HeadroomReading = this.headroom.read()): number {
    return Math.min(1, Math.max(this.sessionLoad(), reading.load));
  }

  /** Offers accepted whose assignment has not arrived yet. */
  get reserved(): number {
    return this.reservations.size;
  }

  /** The AgentServer's requestFunc. */
  requestFunc() {
    const filter = createRequestFilter(this.options, this.resolver, {
      draining: () => this.worker.draining(),
      reserve: (jobId) => this.reserve(jobId),
      refused: (reason) => void (this.refusals[reason] += 1),
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
    this.headroom.stop();
  }

  private reserve(jobId: string): { refused: AdmissionRefusal; why: string } | undefined {
    if (this.worker.activeSessions() + this.reservations.size >= this.options.maxConcurrentSessions) {
      this.refusals.capacity += 1;
      return { refused: 'capacity', why: `maxConcurrentSessions (${this.options.maxConcurrentSessions}) reached` };
    }
    const reading = this.headroom.read();
    if (reading.exhausted) {
      this.refusals.headroom += 1;
      const why = reading.exhausted === 'event loop'
        ? `no headroom: event-loop utilization ${reading.eventLoopUtilization!.toFixed(2)} over the last seconds is at or above maxEventLoopUtilization (${this.options.maxEventLoopUtilization})`
        : `no headroom: the worker's processes used ${reading.cpuUtilization!.toFixed(2)} of the cores over the last seconds, at or above maxCpuUtilization (${this.options.maxCpuUtilization})`;
      return { refused: 'headroom', why };
    }
    const timer = setTimeout(() => this.reservations.delete(jobId), RESERVATION_MS);
    timer.unref();
    this.reservations.set(jobId, timer);
    return undefined;
  }
}
