import 'reflect-metadata';
import type { TestingModule } from '@nestjs/testing';
import { Job } from '@livekit/protocol';
import { AgentPool, AgentRoutingError, OpenRtcModule, type RoutingJob } from '@openrtc/nestjs';
import { RoutingModule, protocolJob } from '../fixtures/routing.fixture.js';
import { startApp } from '../support/nest-app.js';

describe('routing: a custom router comes first', () => {
  let app: TestingModule;
  let pool: AgentPool;
  // The router given to forRoot() delegates to whatever the current test decides.
  let decide: (job: RoutingJob) => unknown;
  const seen: RoutingJob[] = [];

  beforeAll(async () => {
    const router = (job: RoutingJob) => {
      seen.push(job);
      return decide(job) as string | undefined;
    };
    ({ app } = await startApp([OpenRtcModule.forRoot({ autoStart: false, router }), RoutingModule]));
    pool = app.get(AgentPool);
  });
  beforeEach(() => {
    seen.length = 0;
  });
  afterAll(async () => app?.close());

  const job: RoutingJob = { id: 'AJ_router', metadata: '{"agent":"billing"}', room: { name: 'front-desk-1' } };

  it('a registered name wins over every other rule, via router', async () => {
    decide = () => 'front';
    expect(await pool.resolve(job)).toEqual({ agent: pool.get('front'), via: 'router' });
    expect(seen).toEqual([job]);
  });

  it('may be async', async () => {
    decide = async () => 'restaurant';
    expect(await pool.resolve(job)).toEqual({ agent: pool.get('restaurant'), via: 'router' });
  });

  it('receives the LiveKit Job itself', async () => {
    decide = (received) => (received as Job).room?.name.startsWith('front-desk') ? 'front-desk' : undefined;
    const livekitJob = protocolJob(job);
    expect(await pool.resolve(livekitJob)).toEqual({ agent: pool.get('front-desk'), via: 'router' });
    expect(seen[0]).toBe(livekitJob);
  });

  it.each([
    ['undefined', () => undefined],
    ['null', () => null],
    ['a promise of undefined', async () => undefined],
  ])('returning %s defers to the built-in chain', async (_, answer) => {
    decide = answer;
    expect(await pool.resolve(job)).toEqual({ agent: pool.get('billing'), via: 'job metadata' });
    expect(await pool.resolve({ room: { name: 'front-desk-1' } })).toEqual({ agent: pool.get('front-desk'), via: 'room name prefix' });
    expect(await pool.resolve({})).toEqual({ agent: pool.get('restaurant'), via: 'default' });
  });

  it('an unknown name is an error naming the job, not a fallback', async () => {
    decide = () => 'spa';
    await expectRoutingError(pool.resolve(job), "Custom router returned unknown agent 'spa' for job 'AJ_router'.");
    decide = () => '';
    await expectRoutingError(pool.resolve(job), "Custom router returned unknown agent '' for job 'AJ_router'.");
  });

  it('a throw is an error naming the job, with the cause kept', async () => {
    const cause = new Error('tenant lookup failed');
    decide = () => {
      throw cause;
    };
    const error = await pool.resolve(job).catch((e: unknown) => e as AgentRoutingError);
    expect(error).toBeInstanceOf(AgentRoutingError);
    expect((error as Error).message).toBe("Custom router raised while resolving the agent for job 'AJ_router'.");
    expect((error as Error).cause).toBe(cause);
    decide = async () => Promise.reject(cause);
    await expectRoutingError(pool.resolve(job), "Custom router raised while resolving the agent for job 'AJ_router'.");
  });

  it.each([
    [42, "Custom router returned 42 for job 'AJ_router'; return a registered agent name, or undefined to defer."],
    [{ agent: 'billing' }, `Custom router returned {"agent":"billing"} for job 'AJ_router'; return a registered agent name, or undefined to defer.`],
    [false, "Custom router returned false for job 'AJ_router'; return a registered agent name, or undefined to defer."],
  ])('a non-string answer %p is an error', async (answer, message) => {
    decide = () => answer;
    await expectRoutingError(pool.resolve(job), message);
  });

  it('names a job without an id as such', async () => {
    decide = () => 'spa';
    await expectRoutingError(pool.resolve({}), "Custom router returned unknown agent 'spa' for job '(no id)'.");
  });
});

async function expectRoutingError(result: Promise<unknown>, message: string): Promise<void> {
  const error = await result.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(AgentRoutingError);
  expect((error as Error).message).toBe(message);
}
