import 'reflect-metadata';
import { ConfigModule, ConfigService } from '@nestjs/config';
import type { TestingModule } from '@nestjs/testing';
import { AgentPool, OpenRtcConfigError, OpenRtcModule } from '@openrtc/nestjs';
import { OPENRTC_RESOLVED_OPTIONS } from '../../lib/openrtc.constants.js';
import type { ResolvedOpenRtcOptions } from '../../lib/options/openrtc-options.interface.js';
import { DiningModule, FrontDeskAgent, FrontDeskModule } from '../fixtures/discovery.fixture.js';
import { startApp, startupError } from '../support/nest-app.js';

// Values an app keeps in its configuration, not in code (ConfigModule reads no .env file here).
const appConfig = () => ({ FALLBACK_AGENT: 'front-desk', GREETING: 'Good evening.', SESSIONS: 12 });

describe('forRootAsync({ imports, inject, useFactory }) with ConfigModule', () => {
  let app: TestingModule | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('builds the options from ConfigService and applies them to discovery and routing', async () => {
    ({ app } = await startApp([
      OpenRtcModule.forRootAsync({
        imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [appConfig] })],
        inject: [ConfigService],
        useFactory: async (config: ConfigService) => ({
          autoStart: false,
          defaultAgent: config.get<string>('FALLBACK_AGENT'),
          maxConcurrentSessions: config.get<number>('SESSIONS'),
          defaults: { greeting: config.get<string>('GREETING') },
        }),
      }),
      DiningModule,
      FrontDeskModule,
    ]));
    const pool = app.get(AgentPool);
    expect(pool.list().map((agent) => agent.name)).toEqual(['restaurant', 'patio_2', 'front-desk']);
    expect(pool.get('restaurant').greeting).toBe('Good evening.');
    expect(pool.get('front-desk').greeting).toBe('Welcome to the front desk.');
    expect(app.get<ResolvedOpenRtcOptions>(OPENRTC_RESOLVED_OPTIONS)).toMatchObject({ defaultAgent: 'front-desk', maxConcurrentSessions: 12, isolation: 'coroutine' });
    // The configured fallback, not the first registered.
    const route = await pool.resolve({ room: { name: 'lobby' } });
    expect(route).toEqual({ agent: pool.get('front-desk'), via: 'default' });
  });

  it("option 'agents' sets an agent's greeting and providers from ConfigService, over @Agent() and pool.add()", async () => {
    const voice = () => ({ RESTAURANT_GREETING: 'Harbor Bistro, good evening.', RESTAURANT_LLM: 'openai/gpt-4.1-mini', PATIO_TTS: 'rime/arcana' });
    ({ app } = await startApp([
      OpenRtcModule.forRootAsync({
        imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [voice] })],
        inject: [ConfigService],
        useFactory: (config: ConfigService) => ({
          autoStart: false,
          defaults: { llm: 'openai/gpt-4.1', greeting: 'Hello.' },
          agents: {
            restaurant: { greeting: config.get('RESTAURANT_GREETING'), llm: config.get('RESTAURANT_LLM') },
            patio_2: { tts: config.get('PATIO_TTS'), sessionOptions: { maxToolSteps: 2 } },
            'added-later': { stt: 'assemblyai/universal-streaming' },
          },
        }),
      }),
      DiningModule,
      FrontDeskModule,
    ]));
    const pool = app.get(AgentPool);
    pool.add('added-later', FrontDeskAgent, { stt: 'deepgram/nova-3', llm: 'openai/gpt-4o' });
    const settings = (name: string) => {
      const { stt, llm, tts, greeting, sessionOptions } = pool.get(name);
      return { stt, llm, tts, greeting, sessionOptions };
    };
    // Configured beats the class's own settings, which beat `defaults`; sessionOptions merge key by key.
    expect(settings('restaurant')).toEqual({ stt: undefined, llm: 'openai/gpt-4.1-mini', tts: undefined, greeting: 'Harbor Bistro, good evening.', sessionOptions: {} });
    expect(settings('patio_2')).toEqual({
      stt: 'deepgram/nova-3', llm: 'openai/gpt-4.1', tts: 'rime/arcana', greeting: 'Hello.', sessionOptions: { userData: { seats: 'outside' }, maxToolSteps: 2 },
    });
    expect(settings('front-desk')).toEqual({ stt: undefined, llm: 'openai/gpt-4.1', tts: undefined, greeting: 'Welcome to the front desk.', sessionOptions: {} });
    expect(settings('added-later')).toEqual({ stt: 'assemblyai/universal-streaming', llm: 'openai/gpt-4o', tts: undefined, greeting: 'Hello.', sessionOptions: {} });
    await pool.start({ connect: false });
  });

  it("refuses to start when option 'agents' names no registered agent, and says which names exist", async () => {
    ({ app } = await startApp([
      OpenRtcModule.forRoot({ autoStart: false, agents: { restuarant: { greeting: 'Hi.' }, restaurant: { greeting: 'Hello.' }, unused: undefined } }),
      DiningModule,
    ]));
    const pool = app.get(AgentPool);
    expect(pool.get('restaurant').greeting).toBe('Hello.');
    const error = await pool.start({ connect: false }).catch((caught: Error) => caught);
    expect(error).toBeInstanceOf(OpenRtcConfigError);
    expect((error as Error).message).toBe(
      "OpenRtcModule option 'agents' sets 'restuarant', but no agent has that name. Registered agents: restaurant, patio_2. Use an agent's name from @Agent({ name }) or pool.add().",
    );
  });

  it('validates what the factory returns like forRoot() options', async () => {
    const error = await startupError([
      OpenRtcModule.forRootAsync({
        imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ SESSIONS: 0 })] })],
        inject: [ConfigService],
        useFactory: (config: ConfigService) => ({ autoStart: false, maxConcurrentSessions: config.get<number>('SESSIONS') }),
      }),
      DiningModule,
    ]);
    expect(error).toBeInstanceOf(OpenRtcConfigError);
    expect(error.message).toBe("OpenRtcModule option 'maxConcurrentSessions' must be a positive integer, got 0.");
  });

  it('rejects a factory that returns no object', async () => {
    const error = await startupError([OpenRtcModule.forRootAsync({ useFactory: () => null as never }), DiningModule]);
    expect(error).toBeInstanceOf(OpenRtcConfigError);
    expect(error.message).toBe('OpenRtcModule options must be an object, got null.');
  });
});
