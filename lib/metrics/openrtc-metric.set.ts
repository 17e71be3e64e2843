import type { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { OpenRtcConfigError } from '../errors/openrtc.errors.js';
import type { OfferRefusal } from '../observability/runtime-snapshot.interface.js';
import type { SessionEndOutcome, SessionEventInfo } from '../observability/session-event.interface.js';
import type { WorkerRuntime } from '../runtime/worker.runtime.js';
import type { PromClient } from './prom-client.loader.js';

/** A worker the metrics read: its runtime, and its capacity for the load gauge. */
export interface MetricSource {
  runtime: WorkerRuntime;
  maxConcurrentSessions: number;
}

/** Distinct `reason` label values kept per metric before the rest count as 'other' (a reason may be app-given). */
const MAX_REASONS = 20;
const DURATION_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600];

/** Registry -> prefix -> the one metric set of that name in it (shared by every app of this process). */
const sets = new WeakMap<object, Map<string, OpenRtcMetricSet>>();

/**
 * The module's metrics on one registry under one prefix. Two apps of one process that ask for the
 * same registry and prefix share one set (a second registration of a name would throw in
 * prom-client): counters add up, gauges read every attached worker. The names leave the registry
 * when the last app detaches.
 */
export class OpenRtcMetricSet {
  private readonly sources = new Set<MetricSource>();
  private readonly names: string[] = [];
  private readonly reasons = new Set<string>();
  private readonly sessionsStarted: Counter<'agent'>;
  private readonly sessionsEnded: Counter<'agent' | 'status' | 'reason'>;
  private readonly sessionsFailed: Counter<'agent' | 'reason'>;
  private readonly duration: Histogram<'agent' | 'status'>;
  private readonly offersAccepted: Counter;
  private readonly offersRefused: Counter<'reason'>;

  static acquire(client: PromClient, registry: Registry, prefix: string): OpenRtcMetricSet {
    let byPrefix = sets.get(registry);
    if (!byPrefix) sets.set(registry, (byPrefix = new Map()));
    let set = byPrefix.get(prefix);
    if (!set) byPrefix.set(prefix, (set = new OpenRtcMetricSet(client, registry, prefix)));
    return set;
  }

  private constructor(client: PromClient, private readonly registry: Registry, private readonly prefix: string) {
    const sources = this.sources;
    const sum = (read: (source: MetricSource) => number) => [...sources].reduce((total, source) => total + read(source), 0);
    const make = <T>(build: (name: string) => T, name: string): T => {
      const full = `${prefix}${name}`;
      if (registry.getSingleMetric(full)) {
        this.unregister();
        throw new OpenRtcConfigError(
          `OpenRtcModule option 'metrics': the registry already holds a metric named '${full}' that this module did not register. ` +
            "Set metrics.prefix to another prefix (e.g. 'myapp_openrtc_'), or pass a registry of your own in metrics.registry.",
        );
      }
      const metric = build(full);
      registry.registerMetric(metric as never);
      this.names.push(full);
      return metric;
    };
    const gauge = (name: string, help: string, collect: (this: Gauge<string>) => void, labelNames: string[] = []) =>
      make((full) => new client.Gauge({ name: full, help, labelNames, registers: [], collect }), name);

    gauge('sessions_active', 'Sessions running now, by agent (agent "" : not routed yet).', function () {
      this.reset();
      for (const source of sources) for (const [agent, count] of source.runtime.sessions.countByAgent()) this.inc({ agent }, count);
    }, ['agent']);
    gauge('worker_load', 'Load reported to LiveKit: (active + reserved sessions) / maxConcurrentSessions, over every worker of this process.', function () {
      const capacity = sum((source) => source.maxConcurrentSessions);
      this.set(capacity > 0 ? sum((source) => source.runtime.currentLoad() * source.maxConcurrentSessions) / capacity : 0);
    });
    gauge('worker_registered', 'Workers of this process registered with LiveKit.', function () {
      this.set(sum((source) => (source.runtime.registered ? 1 : 0)));
    });
    gauge('worker_draining', 'Workers of this process draining (taking no new calls).', function () {
      this.set(sum((source) => (source.runtime.isDraining ? 1 : 0)));
    });
    gauge('event_loop_delay_p99_seconds', 'Event-loop delay, 99th percentile over the last window (about 10 s).', function () {
      this.set(Math.max(0, ...[...sources].map((source) => source.runtime.eventLoop.read().delayP99Ms)) / 1000);
    });
    gauge('event_loop_utilization', 'Share of the last window (about 10 s) the event loop was busy, 0..1.', function () {
      this.set(Math.max(0, ...[...sources].map((source) => source.runtime.eventLoop.read().utilization)));
    });
    this.sessionsStarted = make((name) => new client.Counter({ name, help: 'Sessions started, by agent.', labelNames: ['agent'], registers: [] }), 'sessions_started_total');
    this.sessionsEnded = make((name) => new client.Counter({ name, help: 'Sessions ended, by agent, status (success, failed) and reason.', labelNames: ['agent', 'status', 'reason'], registers: [] }), 'sessions_ended_total');
    this.sessionsFailed = make((name) => new client.Counter({ name, help: 'Sessions that ended as failed, by agent and reason.', labelNames: ['agent', 'reason'], registers: [] }), 'sessions_failed_total');
    this.duration = make((name) => new client.Histogram({ name, help: 'Session duration from launch to the end of teardown, in seconds.', labelNames: ['agent', 'status'], buckets: DURATION_BUCKETS, registers: [] }), 'session_duration_seconds');
    this.offersAccepted = make((name) => new client.Counter({ name, help: 'Job offers accepted.', registers: [] }), 'offers_accepted_total');
    this.offersRefused = make((name) => new client.Counter({ name, help: 'Job offers refused, by reason (capacity, headroom, draining, unroutable, filter).', labelNames: ['reason'], registers: [] }), 'offers_refused_total');
    for (const reason of ['capacity', 'draining', 'unroutable', 'filter']) this.offersRefused.inc({ reason }, 0);
    this.offersAccepted.inc(0);
  }

  /** Counts this worker's sessions and offers from now on; returns the detach. */
  attach(source: MetricSource): () => void {
    const { events } = source.runtime;
    const started = (session: SessionEventInfo) => this.sessionsStarted.inc({ agent: session.agentName ?? '' });
    const ended = (session: SessionEventInfo, outcome: SessionEndOutcome) => {
      const agent = session.agentName ?? '';
      const reason = this.reasonLabel(outcome.reason);
      this.sessionsEnded.inc({ agent, status: outcome.status, reason });
      if (outcome.status === 'failed') this.sessionsFailed.inc({ agent, reason });
      this.duration.observe({ agent, status: outcome.status }, outcome.durationMs / 1000);
    };
    const accepted = () => this.offersAccepted.inc();
    const refused = (reason: OfferRefusal) => this.offersRefused.inc({ reason });
    events.on('sessionStarted', started);
    events.on('sessionEnded', ended);
    events.on('offerAccepted', accepted);
    events.on('offerRefused', refused);
    this.sources.add(source);
    return () => {
      events.off('sessionStarted', started);
      events.off('sessionEnded', ended);
      events.off('offerAccepted', accepted);
      events.off('offerRefused', refused);
      this.sources.delete(source);
      if (this.sources.size === 0) this.unregister();
    };
  }

  /** A process child's exit code and free text an app gave to ctx.shutdown() must not grow the label set without bound. */
  private reasonLabel(reason: string): string {
    const label = reason.replace(/ \(exit code [^)]*\)$/, '').trim().slice(0, 64) || 'unknown';
    if (this.reasons.has(label)) return label;
    if (this.reasons.size >= MAX_REASONS) return 'other';
    this.reasons.add(label);
    return label;
  }

  private unregister(): void {
    for (const name of this.names.splice(0)) this.registry.removeSingleMetric(name);
    sets.get(this.registry)?.delete(this.prefix);
  }
}
