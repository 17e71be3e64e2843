import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import type { TestingModule } from '@nestjs/testing';
import { getJobContext, initializeLogger, llm, voice } from '@livekit/agents';
import { Agent, AgentPool, OpenRtcConfigError, OpenRtcModule, type OpenRtcSession, type ProviderValue } from '@openrtc/nestjs';
import { startApp } from '../support/nest-app.js';
import type { RecordingLogger } from '../support/recording-logger.js';
import { ScriptedLLM } from '../support/scripted-llm.js';
import { until } from '../support/until.js';

/** How each session's AgentSession closed, by room. */
@Injectable()
class Ledger {
  readonly closed = new Map<string, string>();
}

/** The providers the factory built, with the session info it was given. */
const built: Array<{ roomName: string; jobId: string; agentName: string; llm: llm.LLM }> = [];
const factory = (session: OpenRtcSession) => {
  const instance = new ScriptedLLM('Hello.');
  built.push({ roomName: session.roomName, jobId: session.jobId, agentName: session.agentName, llm: instance });
  return instance;
};

/** The LLM option under test, set per test before the app boots. */
let llmOption: ProviderValue;

@Agent({ name: 'desk' })
class DeskAgent extends voice.Agent {
  constructor(private readonly ledger: Ledger) {
    super({ instructions: 'desk' });
  }
  override async onEnter(): Promise<void> {
    const room = getJobContext().job.room?.name ?? '?';
    this.session.on(voice.AgentSessionEventTypes.Close, (event) => this.ledger.closed.set(room, String(event.reason)));
  }
}

@Module({ providers: [Ledger, DeskAgent], exports: [Ledger] })
class DeskModule {}

async function boot(): Promise<{ app: TestingModule; pool: AgentPool; ledger: Ledger; warnings: string[]; logger: RecordingLogger }> {
  const { app, logger } = await startApp([
    OpenRtcModule.forRoot({ autoStart: false, turnDetection: 'none', agents: { desk: { llm: llmOption } } }),
    DeskModule,
  ]);
  const pool = app.get(AgentPool);
  await pool.start({ connect: false });
  return { app, pool, ledger: app.get(Ledger), warnings: logger.messages('warn'), logger };
}

/** What a plugin's stream does when its provider fails for good: upstream emits this on the LLM instance. */
function failForGood(instance: llm.LLM): void {
  // More than AgentSession's maxUnrecoverableErrors, after which it closes.
  for (let i = 0; i < 10; i += 1) {
    instance.emit('error', { type: 'llm_error', timestamp: Date.now(), label: instance.label(), error: new Error('provider down'), recoverable: false });
  }
}

describe('coroutine isolation: providers per session', () => {
  let app: TestingModule | undefined;
  beforeAll(() => initializeLogger({ pretty: false, level: 'fatal' }));
  afterEach(async () => {
    await app?.close();
    app = undefined;
    built.length = 0;
  });

  /** Boots the app with `llm` as the desk agent's provider and starts calls in rooms desk-1 and desk-2. */
  async function twoCalls(llm: ProviderValue) {
    llmOption = llm;
    const booted = await boot();
    ({ app } = booted);
    const calls = await Promise.all(['desk-1', 'desk-2'].map((roomName) => booted.pool.simulateSession({ roomName })));
    await Promise.all(calls.map((call) => call.started));
    return { ...booted, calls };
  }

  it("a factory builds each session its own provider, from that session's info, and is not warned about", async () => {
    const { calls, warnings } = await twoCalls(factory);
    expect(built.map(({ roomName, jobId, agentName }) => ({ roomName, jobId, agentName }))).toEqual([
      { roomName: 'desk-1', jobId: calls[0]!.jobId, agentName: 'desk' },
      { roomName: 'desk-2', jobId: calls[1]!.jobId, agentName: 'desk' },
    ]);
    expect(built[0]!.llm).not.toBe(built[1]!.llm);
    expect(warnings.filter((warning) => warning.includes('shared by every session'))).toEqual([]);
    await Promise.all(calls.map((call) => call.end()));
  });

  it("one session's provider failing for good ends that session only; its sibling keeps running", async () => {
    const { calls, ledger, logger } = await twoCalls(factory);
    failForGood(built.find((entry) => entry.roomName === 'desk-1')!.llm);
    await until(() => ledger.closed.has('desk-1'), 5_000, "desk-1's session to close");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect([...ledger.closed]).toEqual([['desk-1', 'error']]);
    // Each error the session saw is logged with its job and agent (upstream re-emits it on the session).
    expect(logger.messages('error')).toContain(`Session for job '${calls[0]!.jobId}' (agent 'desk'): llm_error: provider down`);
    expect((await calls[1]!.end()).status).toBe('success');
    await calls[0]!.end();
  });

  it('one shared instance: its failure ends every session using it, which is why start warns about it', async () => {
    const shared = new ScriptedLLM('Hello.');
    const { calls, ledger, warnings } = await twoCalls(shared);
    expect(warnings).toContain(
      "Agent 'desk': its llm is a plugin instance shared by every session of this worker, so an unrecoverable error one of them emits ends all those sessions. " +
        'Give each session its own with a factory, e.g. llm: () => new ScriptedLLM(...).',
    );
    failForGood(shared);
    await until(() => ledger.closed.size === 2, 5_000, 'both sessions to close');
    expect([...ledger.closed.values()]).toEqual(['error', 'error']);
    await Promise.all(calls.map((call) => call.end()));
  });

  it('a factory that returns no provider fails its own session with an error that names the agent and the field', async () => {
    llmOption = (session: OpenRtcSession) => (session.roomName === 'desk-bad' ? (undefined as never) : new ScriptedLLM('Hello.'));
    const booted = await boot();
    ({ app } = booted);
    const good = await booted.pool.simulateSession({ roomName: 'desk-good' });
    const bad = await booted.pool.simulateSession({ roomName: 'desk-bad' });
    const outcome = await bad.outcome;
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toBeInstanceOf(OpenRtcConfigError);
    expect((outcome.error as Error).message).toBe(
      "Agent 'desk': the llm factory returned undefined, but it must return a provider string or a plugin instance, synchronously (e.g. () => new openai.LLM()).",
    );
    await good.started;
    expect((await good.end()).status).toBe('success');
  });
});
