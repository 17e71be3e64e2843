import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { Registry } from 'prom-client';
import { AgentPool, OnSessionEnd, OnSessionStart, type SessionEndOutcome, type SessionEventInfo } from '@openrtc/nestjs';
import { OpenRtcHealthIndicator } from '@openrtc/nestjs/terminus';
import { setCliOverrides } from '../../lib/options/cli-overrides.js';
import { agentJobId, useCallers } from '../support/live/callers.js';
import { describeLive, uniqueRoom, useLiveServer } from '../support/live/live-server.js';
import { SCRIPTED_MODELS } from '../support/live/sample-worker.js';
import { RecordingLogger } from '../support/recording-logger.js';
import { until } from '../support/until.js';

@Injectable()
class CallAudit {
  readonly events: Array<{ kind: string; session: SessionEventInfo; outcome?: SessionEndOutcome }> = [];
  @OnSessionStart()
  started(session: SessionEventInfo): void {
    this.events.push({ kind: 'start', session });
  }
  @OnSessionEnd()
  ended(session: SessionEventInfo, outcome: SessionEndOutcome): void {
    this.events.push({ kind: 'end', session, outcome });
  }
}

async function metric(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const { values } = await registry.getSingleMetric(name)!.get();
  return values.filter((v) => Object.entries(labels).every(([key, value]) => String(v.labels[key]) === value)).reduce((sum, v) => sum + v.value, 0);
}

// Issue #15: one real call on a real livekit-server (the sample app, coroutine isolation, scripted
// models) with the app's own session handlers, metrics on a registry of its own, and the Terminus
// indicator: events, metrics and readiness move with the call and the drain.
describeLive('live: session events, metrics and readiness on a real call', () => {
  const server = useLiveServer();
  const call = useCallers();
  let app: INestApplicationContext | undefined;
  let saved: NodeJS.ProcessEnv | undefined;
  afterAll(async () => {
    await app?.close();
    setCliOverrides(undefined);
    if (saved) process.env = saved;
  }, 60_000);

  it('a caller joins: start event, active-session gauge, ready; hang-up: end event, counters; drain: not ready', async () => {
    saved = { ...process.env };
    for (const name of Object.keys(process.env)) if (/^(OPENRTC|LIVEKIT|RESTAURANT|DENTAL)_/.test(name) && !name.startsWith('OPENRTC_LIVE_')) delete process.env[name];
    Object.assign(process.env, SCRIPTED_MODELS, { LIVEKIT_URL: server().url, LIVEKIT_API_KEY: server().apiKey, LIVEKIT_API_SECRET: server().apiSecret, OPENRTC_ISOLATION: 'coroutine' });
    const registry = new Registry();
    setCliOverrides({ metrics: { registry } });
    const { AppModule } = await import('../../sample/src/app.module.js');
    @Module({ imports: [AppModule, TerminusModule], providers: [CallAudit, OpenRtcHealthIndicator] })
    class OpsAppModule {}
    app = await NestFactory.createApplicationContext(OpsAppModule, { logger: new RecordingLogger() });
    const pool = app.get(AgentPool);
    const health = app.get(OpenRtcHealthIndicator);
    const audit = app.get(CallAudit);
    expect(health.isReady().openrtc.status).toBe('down');
    await pool.start();
    expect(health.isReady()).toEqual({ openrtc: expect.objectContaining({ status: 'up', registered: true, draining: false }) });
    expect(await metric(registry, 'openrtc_worker_registered')).toBe(1);

    const room = uniqueRoom('restaurant');
    const caller = await call({ server: server(), room });
    const jobId = await agentJobId(caller);
    await until(() => audit.events.some((e) => e.kind === 'start'), 60_000, 'the start event');
    expect(audit.events[0]!.session).toMatchObject({ jobId, roomName: room, agentName: 'restaurant', simulated: false });
    expect(await metric(registry, 'openrtc_sessions_active', { agent: 'restaurant' })).toBe(1);
    expect(await metric(registry, 'openrtc_offers_accepted_total')).toBe(1);
    expect(pool.snapshot().sessions).toEqual([expect.objectContaining({ jobId, roomName: room, agentName: 'restaurant', simulated: false })]);
    expect(health.isReady().openrtc).toMatchObject({ status: 'up', activeSessions: 1 });

    await caller.leave();
    await until(() => audit.events.some((e) => e.kind === 'end'), 60_000, 'the end event');
    expect(audit.events.find((e) => e.kind === 'end')).toMatchObject({ session: { jobId }, outcome: { status: 'success' } });
    expect(await metric(registry, 'openrtc_sessions_ended_total', { agent: 'restaurant', status: 'success' })).toBe(1);
    expect(await metric(registry, 'openrtc_sessions_active')).toBe(0);
    expect(await metric(registry, 'openrtc_session_duration_seconds', {})).toBeGreaterThan(0);

    const drained = pool.drain();
    expect(health.isReady().openrtc).toMatchObject({ status: 'down', draining: true });
    expect(health.isAlive().openrtc.status).toBe('up');
    expect(await metric(registry, 'openrtc_worker_draining')).toBe(1);
    await drained;
  }, 180_000);
});
