import 'reflect-metadata';
import { ConfigModule, ConfigService } from '@nestjs/config';
import type { TestingModule } from '@nestjs/testing';
import { AgentPool, OpenRtcConfigError, OpenRtcModule } from '@openrtc/nestjs';
import { OPENRTC_RESOLVED_OPTIONS } from '../../lib/openrtc.constants.js';
import type { ResolvedOpenRtcOptions } from '../../lib/options/openrtc-options.interface.js';
import { DiningModule, FrontDeskModule } from '../fixtures/discovery.fixture.js';
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
