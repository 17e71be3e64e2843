import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { initializeLogger, voice } from '@livekit/agents';
import { Registry } from 'prom-client';
import { Agent, AgentPool, OpenRtcModule } from '@openrtc/nestjs';
import { RecordingLogger } from '../support/recording-logger.js';
import { ScriptedLLM } from '../support/scripted-llm.js';
import { until } from '../support/until.js';

@Agent({ name: 'bistro', greeting: 'Greet the diner.' })
class BistroAgent extends voice.Agent {
  constructor() {
    super({ instructions: 'You take bookings.' });
  }
}

@Agent({ name: 'broken' })
class BrokenAgent extends voice.Agent {
  constructor() {
    super({ instructions: 'You fail.' });
  }
  override async onEnter(): Promise<void> {
    throw new Error('onEnter exploded');
  }
}

@Module({ providers: [BistroAgent, BrokenAgent] })
class FeatureModule {}

async function value(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return undefined;
  const { values } = await metric.get();
  const match = values.find((v) => Object.entries(labels).every(([key, expected]) => String(v.labels[key]) === expected) && !('le' in v.labels && !('le' in labels)));
  return match?.value;
}

describe('metrics (prom-client) on a registry passed in the options: sessions', () => {
  let app: TestingModule;
  beforeAll(() => initializeLogger({ pretty: false, level: 'fatal' }));
  afterEach(async () => app?.close());

  it('counts sessions started, ended and failed by agent and reason, their duration, and the active ones; the names leave the registry at close', async () => {
    const registry = new Registry();
    app = await Test.createTestingModule({
      imports: [OpenRtcModule.forRoot({ autoStart: false, turnDetection: 'none', maxConcurrentSessions: 4, metrics: { registry, prefix: 'voice_' }, defaults: { llm: new ScriptedLLM('Welcome!') } }), FeatureModule],
    }).setLogger(new RecordingLogger()).compile();
    await app.init();
    const pool = app.get(AgentPool);
    await pool.start({ connect: false });
    const names = (await registry.getMetricsAsJSON()).map((m) => m.name).sort();
    expect(names).toEqual([
      'voice_event_loop_delay_p99_seconds', 'voice_event_loop_utilization', 'voice_offers_accepted_total', 'voice_offers_refused_total',
      'voice_session_duration_seconds', 'voice_sessions_active', 'voice_sessions_ended_total', 'voice_sessions_failed_total', 'voice_sessions_started_total',
      'voice_worker_draining', 'voice_worker_load', 'voice_worker_registered',
    ]);

    const call = await pool.simulateSession({ agent: 'bistro' });
    await call.started;
    await until(() => pool.snapshot().sessions[0]?.agentName === 'bistro', 60_000, 'the session to be routed');
    expect(await value(registry, 'voice_sessions_active', { agent: 'bistro' })).toBe(1);
    expect(await value(registry, 'voice_sessions_started_total', { agent: 'bistro' })).toBe(1);
    expect(await value(registry, 'voice_worker_load')).toBe(1 / 4);
    expect(await value(registry, 'voice_worker_registered')).toBe(0);
    const outcome = await call.end();

    const failing = await pool.simulateSession({ agent: 'broken' });
    const failed = await failing.outcome;
    expect(await value(registry, 'voice_sessions_active', { agent: 'bistro' })).toBeUndefined();
    expect(await value(registry, 'voice_sessions_ended_total', { agent: 'bistro', status: 'success', reason: outcome.reason })).toBe(1);
    expect(await value(registry, 'voice_sessions_ended_total', { agent: 'broken', status: 'failed', reason: failed.reason })).toBe(1);
    expect(await value(registry, 'voice_sessions_failed_total', { agent: 'broken', reason: failed.reason })).toBe(1);
    expect(await value(registry, 'voice_sessions_failed_total', { agent: 'bistro' })).toBeUndefined();
    const duration = (await registry.getSingleMetric('voice_session_duration_seconds')!.get()).values;
    const count = duration.find((v) => (v as { metricName?: string }).metricName === 'voice_session_duration_seconds_count' && v.labels.agent === 'bistro');
    expect(count?.value).toBe(1);
    const text = await registry.metrics();
    expect(text).toContain('# TYPE voice_session_duration_seconds histogram');
    expect(text).toMatch(/voice_event_loop_delay_p99_seconds \d/);

    await app.close();
    expect(await registry.getMetricsAsJSON()).toEqual([]);
  }, 180_000);
});
