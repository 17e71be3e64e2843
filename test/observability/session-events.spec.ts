import 'reflect-metadata';
import { Injectable, Module, Scope } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { initializeLogger, voice } from '@livekit/agents';
import { Agent, AgentPool, OnSessionEnd, OnSessionFailed, OnSessionStart, OpenRtcModule, type SessionEndOutcome, type SessionEventInfo } from '@openrtc/nestjs';
import { startupError } from '../support/nest-app.js';
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

@Injectable()
class Audit {
  readonly seen: Array<[string, SessionEventInfo, SessionEndOutcome?]> = [];
  @OnSessionStart()
  started(session: SessionEventInfo): void {
    this.seen.push(['start', session]);
  }
  @OnSessionEnd()
  ended(session: SessionEventInfo, outcome: SessionEndOutcome): void {
    this.seen.push(['end', session, outcome]);
  }
  @OnSessionFailed()
  failed(session: SessionEventInfo, outcome: SessionEndOutcome): void {
    this.seen.push(['failed', session, outcome]);
  }
}

/** Handlers that misbehave: each must be logged and leave the call and the other handlers alone. */
@Injectable()
class Misbehaving {
  @OnSessionStart()
  throws(): void {
    throw new Error('handler exploded');
  }
  @OnSessionStart()
  async hangs(): Promise<void> {
    await new Promise(() => undefined);
  }
}

@Injectable({ scope: Scope.REQUEST })
class ScopedListener {
  @OnSessionStart()
  started(): void {}
}

@Module({ providers: [BistroAgent, BrokenAgent, Audit, Misbehaving, ScopedListener] })
class FeatureModule {}

describe('session events: @OnSessionStart/@OnSessionEnd/@OnSessionFailed on any provider', () => {
  let app: TestingModule;
  const logger = new RecordingLogger();
  beforeAll(() => initializeLogger({ pretty: false, level: 'fatal' }));
  afterEach(async () => app?.close());

  it('calls each handler with the session and its outcome; a throwing or hanging handler is logged and the call goes on', async () => {
    app = await Test.createTestingModule({
      imports: [OpenRtcModule.forRoot({ autoStart: false, turnDetection: 'none', sessionEventTimeout: 0.2, defaults: { llm: new ScriptedLLM('Welcome!') } }), FeatureModule],
    }).setLogger(logger).compile();
    await app.init();
    expect(logger.messages('warn')).toContainEqual(expect.stringContaining('@OnSessionStart() on ScopedListener#started is ignored: ScopedListener is request- or session-scoped'));
    const pool = app.get(AgentPool);
    await pool.start({ connect: false });
    const audit = app.get(Audit);

    const call = await pool.simulateSession({ agent: 'bistro', roomName: 'table-4', metadata: { party: 2 } });
    await call.started;
    await until(() => audit.seen.length === 1, 60_000, 'the start event');
    const [kind, session] = audit.seen[0]!;
    expect(kind).toBe('start');
    expect(session).toMatchObject({ jobId: call.jobId, roomName: 'table-4', agentName: 'bistro', metadata: { party: 2, agent: 'bistro' }, simulated: true });
    expect(session.startedAt).toBeInstanceOf(Date);
    await until(() => logger.messages('warn').some((m) => m.includes('Misbehaving#hangs')), 60_000, 'the slow handler warning');
    expect(logger.messages('error')).toContainEqual(expect.stringContaining("@OnSessionStart() handler Misbehaving#throws (job '" + call.jobId + "', agent 'bistro') threw; the call is not affected: handler exploded"));
    expect(logger.messages('warn')).toContainEqual(expect.stringContaining("Misbehaving#hangs (job '" + call.jobId + "', agent 'bistro') did not finish within 0.2s (OpenRtcModule option 'sessionEventTimeout')"));
    expect(pool.stats().activeSessions).toBe(1); // the call is still up

    const outcome = await call.end();
    expect(outcome.status).toBe('success');
    await until(() => audit.seen.length === 2, 60_000, 'the end event');
    const [endKind, endSession, endOutcome] = audit.seen[1]!;
    expect(endKind).toBe('end');
    expect(endSession.jobId).toBe(call.jobId);
    expect(endOutcome).toMatchObject({ status: 'success', reason: outcome.reason });
    expect(endOutcome!.durationMs).toBeGreaterThan(0);

    // A failed session: end and failed, with the error.
    const failing = await pool.simulateSession({ agent: 'broken' });
    const failed = await failing.outcome;
    expect(failed.status).toBe('failed');
    await until(() => audit.seen.length === 5, 60_000, 'the failing session\'s events');
    const kinds = audit.seen.slice(2).map(([k]) => k);
    expect(kinds).toEqual(['start', 'end', 'failed']);
    const [, failedSession, failedOutcome] = audit.seen[4]!;
    expect(failedSession).toMatchObject({ jobId: failing.jobId, agentName: 'broken' });
    expect(failedOutcome).toMatchObject({ status: 'failed', reason: failed.reason });
    expect((failedOutcome!.error as Error).message).toContain('onEnter exploded');

    // The worker keeps serving.
    const next = await pool.simulateSession({ agent: 'bistro' });
    await next.started;
    expect((await next.end()).status).toBe('success');
  }, 180_000);

  it("a bad sessionEventTimeout names the option, the value and what is allowed", async () => {
    const error = await startupError([OpenRtcModule.forRoot({ autoStart: false, sessionEventTimeout: 0 }), FeatureModule]);
    expect(error.message).toBe("OpenRtcModule option 'sessionEventTimeout' must be a positive number of seconds, got 0.");
  });
});
