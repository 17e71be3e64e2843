import 'reflect-metadata';
import type { TestingModule } from '@nestjs/testing';
import { voice } from '@livekit/agents';
import { AgentPool, AgentRoutingError, OpenRtcConfigError, OpenRtcModule, type OpenRtcSession } from '@openrtc/nestjs';
import { AgentInstanceFactory } from '../../lib/agents/agent-instance.factory.js';
import {
  Directory, DirectoryModule, FrontDeskAgent, HotelModule, LateNightAgent, PlainService, RestaurantAgent, SingletonDeskAgent, SingletonDeskModule,
} from '../fixtures/pool-registration.fixture.js';
import { startApp } from '../support/nest-app.js';

const NAME_RULE = 'must be 1-64 characters of ASCII letters, digits, dashes, or underscores';

describe('AgentPool: add, remove, get, has', () => {
  let app: TestingModule;
  let pool: AgentPool;

  beforeEach(async () => {
    ({ app } = await startApp([OpenRtcModule.forRoot({ autoStart: false, defaults: { llm: 'openai/gpt-4.1-mini', greeting: 'Hello.' } }), DirectoryModule, HotelModule, SingletonDeskModule]));
    pool = app.get(AgentPool);
  });
  afterEach(async () => app.close());

  const names = () => pool.list().map((agent) => agent.name);
  const configError = (action: () => unknown, message: string) => {
    expect(action).toThrow(OpenRtcConfigError);
    expect(action).toThrow(new OpenRtcConfigError(message));
  };

  it('add() registers at the end, with the same defaults as discovery', () => {
    const added = pool.add('  late-night ', LateNightAgent, { greeting: 'Good evening, how can I help?', tts: 'cartesia/sonic-2' });
    expect(added).toEqual({
      name: 'late-night', agentClass: LateNightAgent, sessionOptions: {},
      stt: undefined, llm: 'openai/gpt-4.1-mini', tts: 'cartesia/sonic-2', greeting: 'Good evening, how can I help?',
    });
    expect(names()).toEqual(['restaurant', 'front-desk', 'late-night']);
    expect(pool.has('late-night')).toBe(true);
    expect(pool.get('late-night')).toBe(added);
  });

  it('add() refuses a class that is a singleton provider at once, not at its first call', () => {
    expect(() => pool.add('desk', SingletonDeskAgent)).toThrow(
      '@Agent() class SingletonDeskAgent is a singleton provider, but every session needs its own agent instance.',
    );
    expect(pool.has('desk')).toBe(false);
  });

  it('add() validates like @Agent() and registers nothing on error', () => {
    configError(() => pool.add('late night', LateNightAgent), `Agent name for class LateNightAgent ${NAME_RULE}, got 'late night'.`);
    configError(() => pool.add('', LateNightAgent), "Agent name for class LateNightAgent must be a non-empty string, got ''.");
    configError(() => pool.add('restaurant', LateNightAgent),
      "Agent 'restaurant' is already registered by class RestaurantAgent; class LateNightAgent asks for the same name. Give one of them another name with @Agent({ name: '...' }).");
    configError(() => pool.add('plain', PlainService as never),
      'pool.add() class PlainService does not extend voice.Agent from @livekit/agents. Make it extend voice.Agent (import { voice } from "@livekit/agents").');
    configError(() => pool.add('plain', {} as never), 'An agent must be a class that extends voice.Agent from @livekit/agents, got {}.');
    configError(() => pool.add('late', LateNightAgent, { instructions: 'x' } as never),
      "pool.add() of class LateNightAgent: unknown option 'instructions'. Known options: name, stt, llm, tts, greeting, sessionOptions.");
    configError(() => pool.add('late', LateNightAgent, { greeting: '' }), "pool.add() of class LateNightAgent: option 'greeting' must be a non-empty string, got ''.");
    configError(() => pool.add('late', LateNightAgent, { llm: 5 as never }),
      "pool.add() of class LateNightAgent: option 'llm' must be a provider string such as 'openai/gpt-4.1-mini', a plugin instance, or a factory such as () => new openai.LLM(), got 5.");
    expect(names()).toEqual(['restaurant', 'front-desk']);
  });

  it('get() and remove() of an unknown name list what is registered', () => {
    configError(() => pool.get('spa'), "Unknown agent 'spa'. Registered agents: restaurant, front-desk.");
    configError(() => pool.remove('spa'), "Unknown agent 'spa'. Registered agents: restaurant, front-desk.");
    expect(pool.has('spa')).toBe(false);
  });

  it('remove() unregisters, frees the name and moves the fallback to the next registered', async () => {
    expect((await pool.resolve({})).agent.agentClass).toBe(RestaurantAgent);
    const removed = pool.remove('restaurant');
    expect(removed.agentClass).toBe(RestaurantAgent);
    expect(pool.has('restaurant')).toBe(false);
    configError(() => pool.get('restaurant'), "Unknown agent 'restaurant'. Registered agents: front-desk.");
    expect(await pool.resolve({})).toEqual({ agent: pool.get('front-desk'), via: 'default' });
    // The name is free again.
    pool.add('restaurant', LateNightAgent);
    expect(names()).toEqual(['front-desk', 'restaurant']);
  });

  it('an empty pool says so', async () => {
    pool.remove('restaurant');
    pool.remove('front-desk');
    configError(() => pool.get('front-desk'), "Unknown agent 'front-desk'. Registered agents: (none).");
    await expect(pool.resolve({})).rejects.toThrow(new AgentRoutingError('No agents are registered in the pool.'));
    await expect(pool.resolve({})).rejects.toBeInstanceOf(AgentRoutingError);
  });

  it('an added class that is no provider gets global dependencies and its session, fresh per session', async () => {
    const config = pool.add('late-night', LateNightAgent);
    const factory = app.get(AgentInstanceFactory);
    const call = (jobId: string): OpenRtcSession => ({ jobId, roomName: `room-${jobId}`, agentName: 'late-night', metadata: {} });
    const [first, second] = await Promise.all([factory.create(config, call('AJ_1')), factory.create(config, call('AJ_2'))]) as LateNightAgent[];
    expect(first).toBeInstanceOf(LateNightAgent);
    expect(first).toBeInstanceOf(voice.Agent);
    expect(first).not.toBe(second);
    expect(first!.directory).toBe(app.get(Directory));
    expect(second!.directory).toBe(first!.directory);
    expect(first!.call.jobId).toBe('AJ_1');
    expect(second!.call.jobId).toBe('AJ_2');
  });

  it('an added class that is also a discovered provider resolves through DI', async () => {
    const config = pool.add('desk-2', FrontDeskAgent);
    const agent = await app.get(AgentInstanceFactory).create(config, { jobId: 'AJ_3', roomName: 'r', agentName: 'desk-2', metadata: {} });
    expect(agent).toBeInstanceOf(FrontDeskAgent);
  });
});
