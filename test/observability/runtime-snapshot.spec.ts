import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { initializeLogger, voice } from '@livekit/agents';
import { Agent, AgentPool, OpenRtcModule, type RuntimeSnapshot } from '@openrtc/nestjs';
import { RecordingLogger } from '../support/recording-logger.js';
import { ScriptedLLM } from '../support/scripted-llm.js';
import { until } from '../support/until.js';

@Agent({ name: 'bistro', greeting: 'Greet the diner.' })
class BistroAgent extends voice.Agent {
  constructor() {
    super({ instructions: 'You take bookings.' });
  }
}

@Agent({ name: 'concierge' })
class ConciergeAgent extends voice.Agent {
  constructor() {
    super({ instructions: 'You welcome guests.' });
  }
}

@Module({ providers: [BistroAgent, ConciergeAgent] })
class FeatureModule {}

describe('pool.snapshot(): the worker and one row per live session', () => {
  let app: TestingModule;
  beforeAll(() => initializeLogger({ pretty: false, level: 'fatal' }));
  afterEach(async () => app?.close());

  it('shows the worker, live sessions with their agent, state and turns, and forgets a session once it ended', async () => {
    app = await Test.createTestingModule({
      imports: [OpenRtcModule.forRoot({ autoStart: false, turnDetection: 'none', maxConcurrentSessions: 4, defaults: { llm: new ScriptedLLM('Welcome!') } }), FeatureModule],
    }).setLogger(new RecordingLogger()).compile();
    await app.init();
    const pool = app.get(AgentPool);
    const before = pool.snapshot();
    expect(before.worker).toMatchObject({ started: false, registered: false, draining: false, activeSessions: 0, sessions: { succeeded: 0, failed: 0 } });
    expect(before.sessions).toEqual([]);

    await pool.start({ connect: false });
    const bistro = await pool.simulateSession({ agent: 'bistro', roomName: 'table-4', turns: ['A table for two, please.'] });
    const concierge = await pool.simulateSession({ agent: 'concierge', roomName: 'lobby' });
    await Promise.all([bistro.started, concierge.started]);
    // The greeting and one reply to the caller's turn: 1 turn, 2 replies.
    await bistro.answered;
    let snapshot: RuntimeSnapshot = pool.snapshot();
    await until(() => (snapshot = pool.snapshot()).sessions.find((s) => s.jobId === bistro.jobId)?.replies === 2, 60_000, 'the bistro reply in the snapshot');

    const { worker, sessions } = snapshot;
    expect(worker).toMatchObject({
      pid: process.pid,
      isolation: 'coroutine',
      started: true,
      registered: false, // connect: false
      draining: false,
      activeSessions: 2,
      load: 2 / 4,
      limits: { maxConcurrentSessions: 4, drainTimeoutSeconds: 30, consecutiveFailureLimit: 5 },
      offers: { accepted: 0, refused: { capacity: 0, headroom: 0, draining: 0, unroutable: 0, filter: 0 } },
    });
    expect(worker.uptimeSeconds).toBeGreaterThan(0);
    expect(worker.memory.rssBytes).toBeGreaterThan(worker.memory.heapUsedBytes);
    if (process.platform === 'linux') expect(worker.memory.pssBytes).toBeGreaterThan(0);
    expect(worker.eventLoop.delayP99Ms).toBeGreaterThanOrEqual(0);
    expect(worker.eventLoop.utilization).toBeGreaterThan(0);
    expect(worker.eventLoop.utilization).toBeLessThanOrEqual(1);
    expect(Date.parse(snapshot.takenAt)).not.toBeNaN();

    const byJob = new Map(sessions.map((s) => [s.jobId, s]));
    expect(byJob.get(bistro.jobId)).toMatchObject({ roomName: 'table-4', agentName: 'bistro', turns: 1, replies: 2, simulated: true });
    expect(byJob.get(concierge.jobId)).toMatchObject({ roomName: 'lobby', agentName: 'concierge', turns: 0, simulated: true });
    for (const row of sessions) {
      expect(['initializing', 'idle', 'listening', 'thinking', 'speaking']).toContain(row.state);
      expect(Date.parse(row.startedAt)).not.toBeNaN();
      expect(row.ageSeconds).toBeGreaterThanOrEqual(0);
    }
    // Serializable as is (openrtc top reads it over a socket).
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);

    await bistro.end();
    expect(pool.snapshot().sessions.map((s) => s.jobId)).toEqual([concierge.jobId]);
    await concierge.end();
    expect(pool.snapshot()).toMatchObject({ sessions: [], worker: { activeSessions: 0, sessions: { succeeded: 2, failed: 0 } } });
    expect(pool.stats()).toMatchObject({ registered: false, draining: false });
  }, 180_000);
});
