import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { initializeLogger, voice } from '@livekit/agents';
import { Counter, Registry, register } from 'prom-client';
import { Agent, AgentPool, OpenRtcModule, type OpenRtcModuleOptions } from '@openrtc/nestjs';
import { loadPromClient } from '../../lib/metrics/prom-client.loader.js';
import { startupError } from '../support/nest-app.js';
import { RecordingLogger } from '../support/recording-logger.js';
import { ScriptedLLM } from '../support/scripted-llm.js';

@Agent({ name: 'bistro' })
class BistroAgent extends voice.Agent {
  constructor() {
    super({ instructions: 'You take bookings.' });
  }
}

@Module({ providers: [BistroAgent] })
class FeatureModule {}

const openrtcNames = (registry: Registry) => registry.getMetricsAsArray().map((m) => (m as unknown as { name: string }).name).filter((name) => name.startsWith('openrtc_'));

describe('metrics: registries, two apps in one process, bad configuration', () => {
  const apps: TestingModule[] = [];
  beforeAll(() => initializeLogger({ pretty: false, level: 'fatal' }));
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });

  async function boot(options: OpenRtcModuleOptions): Promise<TestingModule> {
    const app = await Test.createTestingModule({
      imports: [OpenRtcModule.forRoot({ autoStart: false, turnDetection: 'none', defaults: { llm: new ScriptedLLM('Hi!') }, ...options }), FeatureModule],
    }).setLogger(new RecordingLogger()).compile();
    await app.init();
    apps.push(app);
    return app;
  }

  it("two apps on prom-client's default registry (what @willsoto/nestjs-prometheus serves) share one set of names and both count", async () => {
    const first = await boot({ metrics: true });
    const second = await boot({ metrics: true });
    const names = openrtcNames(register);
    expect(names.length).toBe(12);
    expect(new Set(names).size).toBe(names.length);
    for (const app of [first, second]) await app.get(AgentPool).start({ connect: false });
    const calls = await Promise.all([first, second].map((app) => app.get(AgentPool).simulateSession()));
    await Promise.all(calls.map((call) => call.started));
    await Promise.all(calls.map((call) => call.end()));
    const started = (await register.getSingleMetric('openrtc_sessions_started_total')!.get()).values;
    expect(started).toEqual([expect.objectContaining({ labels: { agent: 'bistro' }, value: 2 })]);
    // One app closing leaves the names to the other; the last one takes them out.
    await apps.shift()!.close();
    expect(openrtcNames(register).length).toBe(12);
    await apps.shift()!.close();
    expect(openrtcNames(register)).toEqual([]);
  }, 180_000);

  it('apps on separate registries, or with separate prefixes on one, each get their own set', async () => {
    const [a, b] = [new Registry(), new Registry()];
    await boot({ metrics: { registry: a } });
    await boot({ metrics: { registry: b } });
    await boot({ metrics: { registry: a, prefix: 'second_' } });
    expect(a.getSingleMetric('openrtc_sessions_active')).toBeDefined();
    expect(a.getSingleMetric('second_sessions_active')).toBeDefined();
    expect(b.getSingleMetric('openrtc_sessions_active')).toBeDefined();
    expect(b.getSingleMetric('second_sessions_active')).toBeUndefined();
  }, 180_000);

  it("a name the registry already holds from someone else fails at startup, naming the metric and the fix", async () => {
    const registry = new Registry();
    new Counter({ name: 'openrtc_offers_refused_total', help: 'the app\'s own', registers: [registry] });
    const error = await startupError([OpenRtcModule.forRoot({ autoStart: false, metrics: { registry } }), FeatureModule]);
    expect(error.message).toBe(
      "OpenRtcModule option 'metrics': the registry already holds a metric named 'openrtc_offers_refused_total' that this module did not register. " +
        "Set metrics.prefix to another prefix (e.g. 'myapp_openrtc_'), or pass a registry of your own in metrics.registry.",
    );
    // Nothing of ours is left behind in it.
    expect(registry.getMetricsAsArray().map((m) => (m as unknown as { name: string }).name)).toEqual(['openrtc_offers_refused_total']);
  }, 180_000);

  it('bad metrics options name the field, the value and the fix', async () => {
    expect((await startupError([OpenRtcModule.forRoot({ autoStart: false, metrics: { registry: {} as never } }), FeatureModule])).message).toBe(
      "OpenRtcModule option 'metrics.registry' must be a prom-client Registry (new Registry(), or prom-client's default `register`), got {}.",
    );
    expect((await startupError([OpenRtcModule.forRoot({ autoStart: false, metrics: { prefix: '9bad-' } }), FeatureModule])).message).toContain("OpenRtcModule option 'metrics.prefix' must be a Prometheus name prefix of letters, digits, '_' or ':' (not starting with a digit), e.g. 'openrtc_', got '9bad-'.");
    expect((await startupError([OpenRtcModule.forRoot({ autoStart: false, metrics: { prefx: 'x_' } as never }), FeatureModule])).message).toBe(
      "Unknown OpenRtcModule option 'metrics.prefx'. Known options: registry, prefix.",
    );
  }, 180_000);

  it('prom-client missing: a clear error naming the install command', async () => {
    await expect(loadPromClient('prom-client-not-installed')).rejects.toThrow(
      "OpenRtcModule option 'metrics' needs the package 'prom-client-not-installed', which is not installed: run `npm install prom-client-not-installed`, or remove the 'metrics' option.",
    );
  }, 180_000);
});
