import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { getJobContext, initializeLogger, voice } from '@livekit/agents';
import { Agent, AgentPool, OpenRtcModule, type FailureLimitEvent } from '@openrtc/nestjs';

@Injectable()
class Faults {
  readonly entered: string[] = [];
}

/** Healthy: stays in the call until hung up. */
@Agent({ name: 'steady' })
class SteadyAgent extends voice.Agent {
  constructor(private readonly faults: Faults) {
    super({ instructions: 'steady' });
  }
  override async onEnter(): Promise<void> {
    this.faults.entered.push(getJobContext().job.id);
  }
}

/** Its constructor throws: the entrypoint fails. */
@Agent({ name: 'broken' })
class BrokenAgent extends voice.Agent {
  constructor() {
    super({ instructions: 'broken' });
    throw new Error('agent constructor exploded');
  }
}

@Module({ providers: [Faults, SteadyAgent, BrokenAgent] })
class FaultsModule {}

async function boot(limit: number, onFailureLimit: (event: FailureLimitEvent) => void): Promise<TestingModule> {
  const app = await Test.createTestingModule({
    imports: [OpenRtcModule.forRoot({ autoStart: false, turnDetection: 'none', consecutiveFailureLimit: limit, onFailureLimit }), FaultsModule],
  }).compile();
  await app.init();
  await app.get(AgentPool).start({ connect: false });
  return app;
}

describe('coroutine isolation: faults stay inside their session', () => {
  let app: TestingModule | undefined;
  beforeAll(() => initializeLogger({ pretty: false, level: 'fatal' }));
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  // Unhandled rejections are covered in unhandled-rejection.spec.ts, in a real node process: jest
  // hands tests a copy of `process` whose listeners never see them.
  it('a failing session is marked FAILED and leaves its siblings running', async () => {
    app = await boot(10, () => undefined);
    const pool = app.get(AgentPool);
    const steady = await Promise.all([1, 2].map(() => pool.simulateSession({ agent: 'steady' })));
    const broken = await pool.simulateSession({ agent: 'broken' });
    await expect(broken.started).rejects.toThrow('before it started');
    expect(await broken.outcome).toMatchObject({ status: 'failed', error: expect.objectContaining({ message: 'agent constructor exploded' }) });
    expect(pool.stats().activeSessions).toBe(2);
    await expect(broken.answered).rejects.toThrow(`Session '${broken.jobId}' ended (failed) before it answered.`);
    const outcomes = await Promise.all(steady.map((session) => session.end()));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['success', 'success']);
    // Hung up before their callers said anything: nothing to answer, and the callers are told so.
    await expect(steady[0]!.answered).rejects.toThrow(`Session '${steady[0]!.jobId}' ended (success) before it answered.`);
    expect(app.get(Faults).entered).toHaveLength(2);
    expect(pool.stats()).toMatchObject({ succeeded: 2, failed: 1 });
  });

  it('the supervisor trips after consecutiveFailureLimit failures in a row and a success re-arms it', async () => {
    const trips: FailureLimitEvent[] = [];
    app = await boot(3, (event) => void trips.push(event));
    const pool = app.get(AgentPool);
    const fail = async () => (await pool.simulateSession({ agent: 'broken' })).outcome;
    await fail();
    await fail();
    expect(trips).toHaveLength(0);
    await (await pool.simulateSession({ agent: 'steady' })).end(); // a success resets the count
    expect(pool.stats().consecutiveFailures).toBe(0);
    await fail();
    await fail();
    expect(trips).toHaveLength(0);
    await fail();
    await new Promise((resolve) => setImmediate(resolve));
    expect(trips).toHaveLength(1);
    expect(trips[0]).toMatchObject({ consecutiveFailures: 3, lastError: expect.objectContaining({ message: 'agent constructor exploded' }) });
    await fail(); // fires once until a success re-arms it
    await new Promise((resolve) => setImmediate(resolve));
    expect(trips).toHaveLength(1);
  });
});
