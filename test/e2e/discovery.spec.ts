import 'reflect-metadata';
import type { TestingModule } from '@nestjs/testing';
import { AgentPool, OpenRtcModule, type AgentConfig } from '@openrtc/nestjs';
import { DiningModule, FrontDeskAgent, FrontDeskModule, PatioAgent, RestaurantAgent } from '../fixtures/discovery.fixture.js';
import { startApp } from '../support/nest-app.js';
import type { RecordingLogger } from '../support/recording-logger.js';
import { ScriptedLLM } from '../support/scripted-llm.js';

describe('discovery: @Agent() providers across feature modules', () => {
  const pluginLlm = new ScriptedLLM('unused');
  const defaults = { stt: 'assemblyai/universal-streaming', llm: pluginLlm, tts: 'elevenlabs/eleven_turbo_v2_5', greeting: 'Hello from the pool defaults.' };
  let app: TestingModule;
  let logger: RecordingLogger;
  let pool: AgentPool;

  beforeAll(async () => {
    ({ app, logger } = await startApp([OpenRtcModule.forRoot({ autoStart: false, defaults }), DiningModule, FrontDeskModule]));
    pool = app.get(AgentPool);
  });
  afterAll(async () => app?.close());

  it('registers every @Agent() provider of every module, nested imports included, in discovery order', () => {
    // Modules in import order, depth first (DiningModule, its PatioModule, then FrontDeskModule); providers as listed.
    expect(pool.list().map((agent) => agent.name)).toEqual(['restaurant', 'patio_2', 'front-desk']);
    expect(pool.list().map((agent) => agent.agentClass)).toEqual([RestaurantAgent, PatioAgent, FrontDeskAgent]);
    expect(logger.messages('log')).toEqual(expect.arrayContaining([
      "Registered agent 'restaurant' (RestaurantAgent).",
      "Registered agent 'patio_2' (PatioAgent).",
      "Registered agent 'front-desk' (FrontDeskAgent).",
    ]));
  });

  it('derives default names from the class name and trims explicit ones', () => {
    expect(pool.has('restaurant')).toBe(true);
    expect(pool.has('front-desk')).toBe(true);
    expect(pool.has('patio_2')).toBe(true);
    expect(pool.has('patio')).toBe(false);
    expect(pool.get('front-desk').agentClass).toBe(FrontDeskAgent);
  });

  it('applies forRoot({ defaults }) to what an agent leaves unset, and only to that', () => {
    expect(pool.get('restaurant')).toEqual<AgentConfig>({
      name: 'restaurant', agentClass: RestaurantAgent, sessionOptions: {},
      stt: defaults.stt, llm: defaults.llm, tts: defaults.tts, greeting: defaults.greeting,
    });
    // A plugin instance is passed through as the same object.
    expect(pool.get('restaurant').llm).toBe(pluginLlm);
    expect(pool.get('front-desk')).toMatchObject({ llm: 'openai/gpt-4.1', greeting: 'Welcome to the front desk.', stt: defaults.stt, tts: defaults.tts });
    expect(pool.get('patio_2')).toMatchObject({
      stt: 'deepgram/nova-3', tts: 'cartesia/sonic-2', llm: pluginLlm, greeting: defaults.greeting, sessionOptions: { userData: { seats: 'outside' } },
    });
  });

  it('hands out frozen configs', () => {
    expect(Object.isFrozen(pool.get('restaurant'))).toBe(true);
  });
});
