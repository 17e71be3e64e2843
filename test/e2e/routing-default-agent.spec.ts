import 'reflect-metadata';
import type { TestingModule } from '@nestjs/testing';
import { AgentPool, AgentRoutingError, OpenRtcModule } from '@openrtc/nestjs';
import { RoutingModule } from '../fixtures/routing.fixture.js';
import { startApp } from '../support/nest-app.js';

describe('routing: defaultAgent is the fallback', () => {
  let app: TestingModule;
  let pool: AgentPool;

  beforeAll(async () => {
    ({ app } = await startApp([OpenRtcModule.forRoot({ autoStart: false, defaultAgent: ' billing ' }), RoutingModule]));
    pool = app.get(AgentPool);
  });
  afterAll(async () => app?.close());

  it('takes the place of the first registered when nothing names an agent', async () => {
    expect(pool.list()[0]!.name).toBe('restaurant');
    expect(await pool.resolve({ id: 'AJ_1', room: { name: 'lobby' } })).toEqual({ agent: pool.get('billing'), via: 'default' });
  });

  it('does not override an explicit signal', async () => {
    expect(await pool.resolve({ room: { name: 'front-desk-3' } })).toEqual({ agent: pool.get('front-desk'), via: 'room name prefix' });
    expect(await pool.resolve({ metadata: '{"agent":"restaurant"}' })).toEqual({ agent: pool.get('restaurant'), via: 'job metadata' });
  });

  it('removed at run time, is an error rather than a silent switch to another agent', async () => {
    pool.remove('billing');
    const error = (await pool.resolve({}).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(AgentRoutingError);
    expect(error.message).toBe("Default agent 'billing' (OpenRtcModule option 'defaultAgent') is not registered. Registered agents: restaurant, front, front-desk.");
    // Explicit signals still route.
    expect(await pool.resolve({ room: { name: 'front-1' } })).toEqual({ agent: pool.get('front'), via: 'room name prefix' });
  });
});
