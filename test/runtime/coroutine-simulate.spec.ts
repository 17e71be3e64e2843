import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { getJobContext, initializeLogger, voice } from '@livekit/agents';
import { Agent, AgentPool, OpenRtcModule } from '@openrtc/nestjs';
import { ScriptedLLM } from '../support/scripted-llm.js';
import { until } from '../support/until.js';

const SPEECH = new URL('../../assets/speech-16k.wav', import.meta.url).pathname;

@Injectable()
class Calls {
  readonly entered: Array<{ jobId: string; agent: voice.Agent; pid: number }> = [];
  readonly heard: string[] = [];
}

@Agent({ name: 'bistro', greeting: 'Greet the diner.' })
class BistroAgent extends voice.Agent {
  constructor(private readonly calls: Calls) {
    super({ instructions: 'You take bookings.' });
  }
  override async onEnter(): Promise<void> {
    this.calls.entered.push({ jobId: getJobContext().job.id, agent: this, pid: getJobContext().proc.pid });
    this.session.on(voice.AgentSessionEventTypes.UserStateChanged, (ev) => {
      if (ev.newState === 'speaking') this.calls.heard.push(getJobContext().job.id);
    });
  }
}

@Module({ providers: [Calls, BistroAgent] })
class BistroModule {}

describe('coroutine isolation: simulated sessions', () => {
  let app: TestingModule;
  beforeAll(() => initializeLogger({ pretty: false, level: 'warn' }));
  afterEach(async () => app?.close());

  it('runs concurrent sessions in this process on one prewarm, each with its own job context', async () => {
    const llm = new ScriptedLLM('Welcome!');
    app = await Test.createTestingModule({
      imports: [OpenRtcModule.forRoot({ autoStart: false, turnDetection: 'vad', defaults: { llm } }), BistroModule],
    }).compile();
    await app.init();
    const pool = app.get(AgentPool);
    await pool.start({ connect: false });
    const sessions = await Promise.all([1, 2, 3].map(() => pool.simulateSession({ audio: SPEECH })));
    const latencies = await Promise.all(sessions.map((session) => session.started));
    expect(latencies.every((ms) => ms > 0)).toBe(true);
    const calls = app.get(Calls);
    await until(() => calls.heard.length === 3, 20_000, 'three calls to be heard');
    expect(pool.stats().activeSessions).toBe(3);
    expect(pool.currentLoad()).toBeCloseTo(3 / 50);
    const outcomes = await Promise.all(sessions.map((session) => session.end()));
    expect(outcomes.map((o) => o.status)).toEqual(['success', 'success', 'success']);
    expect(calls.entered.map((e) => e.jobId).sort()).toEqual(sessions.map((s) => s.jobId).sort());
    expect(new Set(calls.entered.map((e) => e.agent)).size).toBe(3);
    expect(calls.entered.every((e) => e.pid === process.pid)).toBe(true);
    expect(pool.stats()).toMatchObject({ prewarmCount: 1, activeSessions: 0, succeeded: 3, failed: 0 });
    expect(llm.requests.length).toBeGreaterThanOrEqual(3);
  });
});
