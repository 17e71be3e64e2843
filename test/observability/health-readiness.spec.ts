import 'reflect-metadata';
import { Module, ServiceUnavailableException } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { Registry } from 'prom-client';
import { AgentPool, OpenRtcModule } from '@openrtc/nestjs';
import { OpenRtcHealthIndicator } from '@openrtc/nestjs/terminus';
import { API_KEY, API_SECRET, FrontOfHouseModule, useWorkerHarness } from '../fixtures/worker-protocol.fixture.js';
import { RecordingLogger } from '../support/recording-logger.js';

@Module({ imports: [TerminusModule], providers: [OpenRtcHealthIndicator], exports: [OpenRtcHealthIndicator, TerminusModule] })
class HealthModule {}

async function refused(registry: Registry): Promise<Record<string, number>> {
  const { values } = await registry.getSingleMetric('openrtc_offers_refused_total')!.get();
  return Object.fromEntries(values.map((v) => [String(v.labels.reason), v.value]));
}

// Readiness and offers refused by reason, on a real AgentServer registered with the worker-protocol double.
describe('health (Terminus) and offer metrics through the dispatch double', () => {
  const h = useWorkerHarness();

  it('liveness and readiness follow start, registration and drain; offers are counted by why they were refused', async () => {
    const registry = new Registry();
    const logger = new RecordingLogger();
    const app = await Test.createTestingModule({
      imports: [
        OpenRtcModule.forRoot({
          livekit: { url: h.double.url, apiKey: API_KEY, apiSecret: API_SECRET },
          autoStart: false, turnDetection: 'none', maxConcurrentSessions: 1, metrics: { registry }, onFailureLimit: () => undefined,
        }),
        FrontOfHouseModule,
        HealthModule,
      ],
    }).setLogger(logger).compile();
    await app.init();
    const pool = app.get(AgentPool);
    h.worker = { app, pool, logger };
    const health = app.get(OpenRtcHealthIndicator);
    const checks = app.get(HealthCheckService);

    // Not started: neither alive nor ready, and Terminus answers 503.
    expect(health.isAlive()).toEqual({ openrtc: expect.objectContaining({ status: 'down', reason: 'the worker is not running (not started yet, or closed)' }) });
    expect(health.isReady()).toEqual({ openrtc: expect.objectContaining({ status: 'down', registered: false, reason: 'not registered with LiveKit' }) });
    await expect(checks.check([() => health.isReady()])).rejects.toBeInstanceOf(ServiceUnavailableException);

    await pool.start();
    await h.double.waitForRegistration();
    expect(pool.stats()).toMatchObject({ started: true, registered: true, draining: false });
    expect(health.isAlive('worker')).toEqual({ worker: { status: 'up', isolation: 'coroutine', activeSessions: 0, draining: false } });
    expect(health.isReady()).toEqual({ openrtc: { status: 'up', registered: true, draining: false, activeSessions: 0, load: 0 } });
    expect(await checks.check([() => health.isAlive('live'), () => health.isReady('ready')])).toMatchObject({ status: 'ok', info: { live: { status: 'up' }, ready: { status: 'up' } } });
    expect(await registry.getSingleMetric('openrtc_worker_registered')!.get()).toMatchObject({ values: [{ value: 1 }] });

    // Offers: one this worker cannot route, one accepted (it holds the only slot), one beyond capacity.
    expect((await h.double.offer({ roomName: 'x', metadata: '{"agent":"dental"}' })).available).toBe(false);
    expect((await h.double.offer({ roomName: 'bistro-1' })).available).toBe(true);
    expect((await h.double.offer({ roomName: 'bistro-2' })).available).toBe(false);
    expect(await refused(registry)).toEqual({ capacity: 1, draining: 0, unroutable: 1, filter: 0 });
    expect(pool.snapshot().worker.offers).toEqual({ accepted: 1, refused: { capacity: 1, headroom: 0, draining: 0, unroutable: 1, filter: 0 } });

    // A drain with a call still up: readiness is down at once, liveness stays up, the call goes on.
    const call = await pool.simulateSession({ agent: 'concierge' });
    await call.started;
    const drained = pool.drain();
    expect(health.isReady()).toEqual({ openrtc: expect.objectContaining({ status: 'down', draining: true, activeSessions: 1, reason: 'draining: no new calls are taken' }) });
    expect(health.isAlive()).toEqual({ openrtc: expect.objectContaining({ status: 'up', draining: true }) });
    expect(pool.snapshot().worker).toMatchObject({ draining: true, registered: true, activeSessions: 1 });
    expect((await h.double.offer({ roomName: 'bistro-3' })).available).toBe(false);
    expect(await refused(registry)).toEqual({ capacity: 1, draining: 1, unroutable: 1, filter: 0 });
    expect((await call.end()).status).toBe('success');
    await drained;

    await app.close();
    h.worker = undefined;
    expect(health.isAlive()).toEqual({ openrtc: expect.objectContaining({ status: 'down' }) });
    expect(health.isReady()).toEqual({ openrtc: expect.objectContaining({ status: 'down', registered: false }) });
  }, 180_000);

  it("offers the app's requestFilter refuses count as 'filter', the ones it accepts as accepted", async () => {
    const registry = new Registry();
    const app = await Test.createTestingModule({
      imports: [
        OpenRtcModule.forRoot({
          livekit: { url: h.double.url, apiKey: API_KEY, apiSecret: API_SECRET },
          turnDetection: 'none', metrics: { registry }, onFailureLimit: () => undefined,
          requestFilter: (request) => (request.room?.name?.startsWith('vip-') ? request.accept() : request.reject()),
        }),
        FrontOfHouseModule,
      ],
    }).setLogger(new RecordingLogger()).compile();
    await app.init();
    h.worker = { app, pool: app.get(AgentPool), logger: new RecordingLogger() };
    await h.double.waitForRegistration();
    expect((await h.double.offer({ roomName: 'walk-in' })).available).toBe(false);
    expect((await h.double.offer({ roomName: 'vip-1' })).available).toBe(true);
    expect(await refused(registry)).toEqual({ capacity: 0, draining: 0, unroutable: 0, filter: 1 });
    expect(await registry.getSingleMetric('openrtc_offers_accepted_total')!.get()).toMatchObject({ values: [{ value: 1 }] });
  }, 180_000);
});
