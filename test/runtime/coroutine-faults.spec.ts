import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { fileURLToPath } from 'node:url';
import { Test, type TestingModule } from '@nestjs/testing';
import { getJobContext, initializeLogger, voice } from '@livekit/agents';
import { Agent, AgentPool, OpenRtcConfigError, OpenRtcModule, type FailureLimitEvent } from '@openrtc/nestjs';
import { RecordingLogger } from '../support/recording-logger.js';

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

/** Its onEnter throws: upstream runs onEnter in its own task, which drops the error. */
@Agent({ name: 'doomed' })
class DoomedAgent extends voice.Agent {
  constructor() {
    super({ instructions: 'doomed' });
  }
  override async onEnter(): Promise<void> {
    throw new Error('onEnter exploded');
  }
}

@Module({ providers: [Faults, SteadyAgent, BrokenAgent, DoomedAgent] })
class FaultsModule {}

async function boot(limit: number, onFailureLimit: (event: FailureLimitEvent) => void, logger = new RecordingLogger()): Promise<TestingModule> {
  const app = await Test.createTestingModule({
    imports: [OpenRtcModule.forRoot({ autoStart: false, turnDetection: 'none', consecutiveFailureLimit: limit, onFailureLimit }), FaultsModule],
  }).setLogger(logger).compile();
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
    const fail = async () => (await pool.simulateSession({ agent: 'broken', countsTowardSupervisor: true })).outcome;
    await fail();
    await fail();
    expect(trips).toHaveLength(0);
    await (await pool.simulateSession({ agent: 'steady', countsTowardSupervisor: true })).end(); // a success resets the count
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

  it('a throw in onEnter ends the session FAILED, is logged with job and agent, and counts', async () => {
    const trips: FailureLimitEvent[] = [];
    const logger = new RecordingLogger();
    app = await boot(1, (event) => void trips.push(event), logger);
    const pool = app.get(AgentPool);
    const steady = await pool.simulateSession({ agent: 'steady' });
    const doomed = await pool.simulateSession({ agent: 'doomed', countsTowardSupervisor: true });
    const outcome = await doomed.outcome;
    expect(outcome).toMatchObject({ status: 'failed', reason: 'agent onEnter failed', error: expect.objectContaining({ message: 'onEnter exploded' }) });
    // Logged inside the call, so it carries the call's prefix (per-call log context).
    expect(logger.messages('error')).toContainEqual(
      expect.stringMatching(new RegExp(`^\\[doomed room=[\\w-]+ job=${doomed.jobId}\\] Session for job '${doomed.jobId}' \\(agent 'doomed'\\): onEnter threw; ending the session as failed: onEnter exploded$`)),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(trips).toHaveLength(1);
    expect(pool.stats()).toMatchObject({ activeSessions: 1, failed: 1 });
    expect((await steady.end()).status).toBe('success');
  });

  it('simulated sessions do not count toward the supervisor unless they ask to', async () => {
    const trips: FailureLimitEvent[] = [];
    app = await boot(2, (event) => void trips.push(event));
    const pool = app.get(AgentPool);
    for (let i = 0; i < 5; i++) expect((await (await pool.simulateSession({ agent: 'broken' })).outcome).status).toBe('failed');
    await new Promise((resolve) => setImmediate(resolve));
    expect(trips).toHaveLength(0);
    expect(pool.stats()).toMatchObject({ failed: 5, consecutiveFailures: 0, draining: false });
    await (await pool.simulateSession({ agent: 'broken', countsTowardSupervisor: true })).outcome;
    await (await pool.simulateSession({ agent: 'broken', countsTowardSupervisor: true })).outcome;
    await new Promise((resolve) => setImmediate(resolve));
    expect(trips).toHaveLength(1);
  });

  it('simulateSession() checks its input before anything starts', async () => {
    app = await boot(10, () => undefined);
    const pool = app.get(AgentPool);
    const rejects = async (options: object, message: string) => {
      const error = await pool.simulateSession(options as never).then(() => undefined, (e: Error) => e);
      expect(error).toBeInstanceOf(OpenRtcConfigError);
      expect(error?.message).toBe(message);
    };
    const FIX = 'pass the path of a readable 16 kHz mono PCM16 WAV file';
    await rejects({ agent: 'Dental' }, "simulateSession() option 'agent' got 'Dental': no agent has that name; pass one of the registered agents: steady, broken, doomed.");
    await rejects({ metadata: { agent: 'Dental' } },
      "simulateSession() option 'metadata': Unknown agent 'Dental' requested via job metadata. Registered agents: steady, broken, doomed.");
    await rejects({ agent: 'steady', audio: '/nonexistent/caller.wav' }, `simulateSession() option 'audio' got '/nonexistent/caller.wav': the file cannot be read (ENOENT); ${FIX}.`);
    const notWav = fileURLToPath(import.meta.url);
    const error = await pool.simulateSession({ agent: 'steady', audio: notWav }).then(() => undefined, (e: Error) => e);
    expect(error?.message).toMatch(new RegExp(`^simulateSession\\(\\) option 'audio' got '.*': .*unsupported or malformed WAV.*; ${FIX}\\.$`));
    await rejects({ agent: 'steady', countsTowardSupervisor: 'yes' }, "simulateSession() option 'countsTowardSupervisor' got 'yes': pass true or false.");
    await rejects({ agent: 'steady', turns: 'Hello' }, "simulateSession() option 'turns' got 'Hello': pass an array of the caller's lines, each a non-empty string.");
    await rejects({ agnet: 'steady' }, "Unknown simulateSession() option 'agnet'. Known options: roomName, agent, metadata, audio, turns, countsTowardSupervisor.");
    expect(pool.stats()).toMatchObject({ activeSessions: 0, succeeded: 0, failed: 0 });
  });
});
