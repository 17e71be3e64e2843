import 'reflect-metadata';
import { Injectable, Module, Scope } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { initializeLogger, voice } from '@livekit/agents';
import { Agent, AgentPool, InjectAgentSession, InjectSession, OPENRTC_AGENT_SESSION, OpenRtcModule, type OpenRtcSession } from '@openrtc/nestjs';
import { RecordingLogger } from '../support/recording-logger.js';

@Injectable()
class Seen {
  readonly pairs: Array<{ jobId: string; injected: voice.AgentSession; running?: voice.AgentSession }> = [];
}

/** Session-scoped: lives as long as its call, with that call's AgentSession. */
@Injectable({ scope: Scope.REQUEST })
class CallRecorder {
  constructor(@InjectAgentSession() readonly session: voice.AgentSession, @InjectSession() readonly call: OpenRtcSession) {}
}

@Agent({ name: 'desk' })
class DeskAgent extends voice.Agent {
  constructor(private readonly recorder: CallRecorder, private readonly seen: Seen) {
    super({ instructions: 'You welcome visitors.' });
  }
  override async onEnter(): Promise<void> {
    this.seen.pairs.push({ jobId: this.recorder.call.jobId, injected: this.recorder.session, running: this.session });
  }
}

@Module({ providers: [Seen, CallRecorder, DeskAgent] })
class FeatureModule {}

describe('@InjectAgentSession(): the live voice.AgentSession of the call, per session', () => {
  let app: TestingModule;
  beforeAll(() => initializeLogger({ pretty: false, level: 'fatal' }));
  afterEach(async () => app?.close());

  it('gives each session-scoped service its own call\'s session, and explains itself outside a session', async () => {
    app = await Test.createTestingModule({ imports: [OpenRtcModule.forRoot({ autoStart: false, turnDetection: 'none' }), FeatureModule] }).setLogger(new RecordingLogger()).compile();
    await app.init();
    const pool = app.get(AgentPool);
    await pool.start({ connect: false });
    const calls = await Promise.all([pool.simulateSession(), pool.simulateSession()]);
    await Promise.all(calls.map((call) => call.started));
    const { pairs } = app.get(Seen);
    expect(pairs.map((p) => p.jobId).sort()).toEqual(calls.map((c) => c.jobId).sort());
    for (const pair of pairs) {
      expect(pair.injected).toBeInstanceOf(voice.AgentSession);
      expect(pair.injected).toBe(pair.running);
    }
    expect(pairs[0]!.injected).not.toBe(pairs[1]!.injected);
    await Promise.all(calls.map((call) => call.end()));

    await expect(app.resolve(OPENRTC_AGENT_SESSION)).rejects.toThrow(
      "@InjectAgentSession() has no AgentSession here: it is resolved only in a session's DI context, i.e. in an @Agent() class or a request-scoped service it injects (resolved per session).",
    );
  }, 180_000);
});
