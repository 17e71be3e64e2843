import * as client from 'prom-client';
import { OpenRtcMetricSet } from '../../lib/metrics/openrtc-metric.set.js';
import { EventLoopMonitor } from '../../lib/observability/event-loop.monitor.js';
import { RuntimeEvents } from '../../lib/observability/runtime.events.js';
import { SessionTable } from '../../lib/observability/session.table.js';
import type { WorkerRuntime } from '../../lib/runtime/worker.runtime.js';

// The reason label comes from free text (an agent's ctx.shutdown(reason), a child's exit code): its
// values are bounded, so a chatty agent cannot grow the series without end. Driven through the
// runtime's own event channel and session table, as the worker drives them.
describe('metrics: the reason label stays bounded', () => {
  it("strips a child's exit code, keeps 20 distinct reasons, counts the rest as 'other'", async () => {
    const registry = new client.Registry();
    const events = new RuntimeEvents();
    const sessions = new SessionTable(events);
    const runtime = { events, sessions, eventLoop: new EventLoopMonitor(), registered: false, isDraining: false, currentLoad: () => 0 } as unknown as WorkerRuntime;
    const detach = OpenRtcMetricSet.acquire(client, registry, 'r_').attach({ runtime, maxConcurrentSessions: 10 });
    const end = (jobId: string, reason: string) => {
      sessions.launched(jobId, 'room', true);
      sessions.started(jobId, { agentName: 'desk', metadata: {} });
      sessions.ended(jobId, 'failed', reason, new Error(reason));
    };
    end('a', 'session process ended: exited (exit code 1)');
    end('b', 'session process ended: exited (exit code 137)');
    for (let i = 0; i < 25; i++) end(`job-${i}`, `custom reason ${i}`);
    const { values } = await registry.getSingleMetric('r_sessions_failed_total')!.get();
    const byReason = Object.fromEntries(values.map((v) => [String(v.labels.reason), v.value]));
    expect(byReason['session process ended: exited']).toBe(2);
    expect(Object.keys(byReason)).toHaveLength(21);
    expect(byReason.other).toBe(6);
    detach();
    expect(await registry.getMetricsAsJSON()).toEqual([]);
  });
});
