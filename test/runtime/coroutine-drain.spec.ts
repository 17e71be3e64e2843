import 'reflect-metadata';
import { jest } from '@jest/globals';
import { Logger, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { getJobContext, initializeLogger, voice } from '@livekit/agents';
import { Agent, AgentPool, OpenRtcModule } from '@openrtc/nestjs';

/** Hangs up on its own 1.5 s into the call, like a caller finishing. */
@Agent({ name: 'brief' })
class BriefAgent extends voice.Agent {
  constructor() {
    super({ instructions: 'brief' });
  }
  override async onEnter(): Promise<void> {
    const ctx = getJobContext();
    setTimeout(() => ctx.shutdown('caller hung up'), 1500);
  }
}

/** Never hangs up. */
@Agent({ name: 'endless' })
class EndlessAgent extends voice.Agent {
  constructor() {
    super({ instructions: 'endless' });
  }
}

@Module({ providers: [BriefAgent, EndlessAgent] })
class CallsModule {}

/** Live handles by kind (timers, sockets, child processes...). */
function handleCounts(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/** Kinds that have more live handles now than in `before`. */
function leakedSince(before: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(handleCounts()).filter(([kind, count]) => count > (before[kind] ?? 0)));
}

async function boot(drainTimeout: number, onFailureLimit: () => void = () => undefined): Promise<TestingModule> {
  const app = await Test.createTestingModule({
    imports: [OpenRtcModule.forRoot({ autoStart: false, turnDetection: 'none', drainTimeout, consecutiveFailureLimit: 1, onFailureLimit }), CallsModule],
  }).compile();
  await app.init();
  await app.get(AgentPool).start({ connect: false });
  return app;
}

describe('coroutine isolation: drain', () => {
  beforeAll(() => initializeLogger({ pretty: false, level: 'fatal' }));
  afterEach(() => jest.restoreAllMocks());

  it('shutting the app down waits for three in-flight sessions to finish, refuses new ones, and leaves no handle behind', async () => {
    const before = handleCounts();
    const app = await boot(20);
    const pool = app.get(AgentPool);
    const sessions = await Promise.all([1, 2, 3].map(() => pool.simulateSession({ agent: 'brief' })));
    expect(pool.stats().activeSessions).toBe(3);
    const closing = app.close(); // beforeApplicationShutdown drains, as SIGTERM does with enableShutdownHooks()
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(pool.stats().draining).toBe(true);
    await expect(pool.simulateSession({ agent: 'brief' })).rejects.toThrow('draining');
    await closing;
    const outcomes = await Promise.all(sessions.map((session) => session.outcome));
    expect(outcomes.map((outcome) => [outcome.status, outcome.reason])).toEqual(Array(3).fill(['success', 'caller hung up']));
    expect(pool.stats()).toMatchObject({ activeSessions: 0, succeeded: 3, failed: 0 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(leakedSince(before)).toEqual({});
  });

  it('cancels a session still running at drainTimeout, with a warning that names it', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const trips: unknown[] = [];
    const app = await boot(3, () => void trips.push('tripped'));
    const pool = app.get(AgentPool);
    const brief = await pool.simulateSession({ agent: 'brief' });
    const endless = await pool.simulateSession({ agent: 'endless' });
    const started = Date.now();
    await pool.drain();
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(3000); // a bound, not a benchmark: drain waited for drainTimeout
    expect(await brief.outcome).toMatchObject({ status: 'success' });
    expect(await endless.outcome).toMatchObject({ status: 'failed', reason: 'drain timed out', error: expect.objectContaining({ message: 'drain timed out' }) });
    const warning = warn.mock.calls.map((call) => String(call[0])).find((message) => message.includes('Drain timed out'));
    expect(warning).toContain(endless.jobId);
    expect(warning).not.toContain(brief.jobId);
    expect(trips).toEqual([]); // a session our own drain cancelled is no sign of a sick worker
    await app.close();
  });
});
