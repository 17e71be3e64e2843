import 'reflect-metadata';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { OpenRtcConfigError, OpenRtcModule, type OpenRtcModuleOptions } from '@openrtc/nestjs';
import { OPENRTC_RESOLVED_OPTIONS } from '../../lib/openrtc.constants.js';
import { setCliOverrides } from '../../lib/options/cli-overrides.js';
import type { ResolvedOpenRtcOptions } from '../../lib/options/openrtc-options.interface.js';
import { OPTION_ENVIRONMENT } from '../../lib/options/options.environment.js';
import { startApp, startupError, type Imports } from '../support/nest-app.js';

const VARIABLES = Object.keys(OPTION_ENVIRONMENT);
const NAME_RULE = 'must be 1-64 characters of ASCII letters, digits, dashes, or underscores';

async function resolved(imports: Imports): Promise<{ options: ResolvedOpenRtcOptions; warnings: string[] }> {
  const { app, logger } = await startApp(imports);
  const options = app.get<ResolvedOpenRtcOptions>(OPENRTC_RESOLVED_OPTIONS);
  await app.close();
  return { options, warnings: logger.messages('warn') };
}
const forRoot = (options: OpenRtcModuleOptions = {}) => OpenRtcModule.forRoot({ autoStart: false, ...options });
const configModule = (values: Record<string, unknown>, extra: { isGlobal?: boolean; delay?: number } = {}) =>
  ConfigModule.forRoot({
    isGlobal: extra.isGlobal,
    ignoreEnvFile: true,
    load: [async () => {
      if (extra.delay) await new Promise((resolve) => setTimeout(resolve, extra.delay));
      return values;
    }],
  });

const TIMER_RULE = "at most 2147483 seconds (Node's timer limit, about 24.8 days)";
const URL_RULE = "a ws:// or wss:// URL with a host, such as 'wss://my-project.livekit.cloud' or 'ws://127.0.0.1:7880'";

describe('option precedence: CLI > environment > forRoot() > default', () => {
  const saved: Record<string, string | undefined> = {};
  beforeEach(() => {
    for (const name of VARIABLES) {
      saved[name] = process.env[name];
      delete process.env[name];
    }
  });
  afterEach(() => {
    for (const name of VARIABLES) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    setCliOverrides(undefined);
  });

  it('defaults apply when nothing is set, under OPENRTC_RESOLVED_OPTIONS', async () => {
    const { options } = await resolved([forRoot()]);
    expect(options).toEqual({
      isolation: 'coroutine', maxConcurrentSessions: 50, consecutiveFailureLimit: 5, drainTimeout: 30, acceptOnlyRegisteredRooms: false,
      logLevel: 'info', autoStart: false, turnDetection: 'audio', vad: 'native', defaults: {}, livekit: {}, agentName: undefined, defaultAgent: undefined,
      maxEventLoopUtilization: 0.7, maxCpuUtilization: 0.9,
    });
  });

  // KNOWN BUG, reported, not fixed here (lib/openrtc.module-definition.ts): issue 3 specifies
  // `forRoot(options?)`, but the builder types the argument as required and, because of setExtras(),
  // runs Object.keys() on it, so forRoot() throws a TypeError. Turn this into `it` once it is fixed.
  it('forRoot() without an argument compiles with the defaults', async () => {
    const app = await Test.createTestingModule({ imports: [OpenRtcModule.forRoot()] }).compile();
    expect(app.get<ResolvedOpenRtcOptions>(OPENRTC_RESOLVED_OPTIONS).isolation).toBe('coroutine');
    await app.close();
  });

  it('forRoot() beats the defaults', async () => {
    const { options } = await resolved([forRoot({ isolation: 'process', maxConcurrentSessions: 30, agentName: ' concierge ', livekit: { url: 'wss://code.example' } })]);
    expect(options).toMatchObject({ isolation: 'process', maxConcurrentSessions: 30, agentName: 'concierge', livekit: { url: 'wss://code.example' }, drainTimeout: 30 });
  });

  it('process.env beats forRoot(), key by key inside livekit', async () => {
    Object.assign(process.env, {
      OPENRTC_ISOLATION: 'coroutine', OPENRTC_MAX_CONCURRENT_SESSIONS: ' 12 ', OPENRTC_DRAIN_TIMEOUT: '2.5', OPENRTC_AGENT_NAME: 'night-desk', OPENRTC_IDLE_PROCESSES: '3',
      LIVEKIT_URL: 'wss://env.example', LIVEKIT_API_SECRET: 'env-secret', LIVEKIT_LOG_LEVEL: 'debug',
    });
    const { options } = await resolved([forRoot({
      isolation: 'process', maxConcurrentSessions: 30, drainTimeout: 10, agentName: 'day-desk', logLevel: 'warn', idleProcesses: 1,
      livekit: { url: 'wss://code.example', apiKey: 'code-key', apiSecret: 'code-secret' },
    })]);
    expect(options).toMatchObject({
      isolation: 'coroutine', maxConcurrentSessions: 12, drainTimeout: 2.5, agentName: 'night-desk', logLevel: 'debug', idleProcesses: 3,
      livekit: { url: 'wss://env.example', apiKey: 'code-key', apiSecret: 'env-secret' },
    });
  });

  it('blank variables are ignored', async () => {
    Object.assign(process.env, { OPENRTC_ISOLATION: '  ', OPENRTC_MAX_CONCURRENT_SESSIONS: '', LIVEKIT_URL: ' ' });
    const { options } = await resolved([forRoot({ isolation: 'process', livekit: { url: 'wss://code.example' } })]);
    expect(options).toMatchObject({ isolation: 'process', maxConcurrentSessions: 50, livekit: { url: 'wss://code.example' } });
  });

  it('a CLI flag beats the environment', async () => {
    process.env.OPENRTC_ISOLATION = 'coroutine';
    setCliOverrides({ isolation: 'process' });
    const { options } = await resolved([forRoot()]);
    expect(options.isolation).toBe('process');
  });

  it.each<[string, string, string]>([
    ['OPENRTC_ISOLATION', 'thread', "Environment variable OPENRTC_ISOLATION must be one of 'coroutine', 'process', got 'thread'."],
    ['OPENRTC_MAX_CONCURRENT_SESSIONS', 'many', "Environment variable OPENRTC_MAX_CONCURRENT_SESSIONS must be a positive integer, got 'many'."],
    ['OPENRTC_MAX_CONCURRENT_SESSIONS', '0', 'Environment variable OPENRTC_MAX_CONCURRENT_SESSIONS must be a positive integer, got 0.'],
    ['OPENRTC_MAX_CONCURRENT_SESSIONS', '2.5', 'Environment variable OPENRTC_MAX_CONCURRENT_SESSIONS must be a positive integer, got 2.5.'],
    ['OPENRTC_DRAIN_TIMEOUT', '-1', 'Environment variable OPENRTC_DRAIN_TIMEOUT must be a positive number of seconds, got -1.'],
    ['OPENRTC_DRAIN_TIMEOUT', '30s', "Environment variable OPENRTC_DRAIN_TIMEOUT must be a positive number of seconds, got '30s'."],
    ['OPENRTC_IDLE_PROCESSES', 'some', "Environment variable OPENRTC_IDLE_PROCESSES must be a positive integer, got 'some'."],
    ['OPENRTC_IDLE_PROCESSES', '0', 'Environment variable OPENRTC_IDLE_PROCESSES must be a positive integer, got 0.'],
    ['OPENRTC_AGENT_NAME', 'front desk', `Environment variable OPENRTC_AGENT_NAME ${NAME_RULE}, got 'front desk'.`],
    ['OPENRTC_DRAIN_TIMEOUT', '1e7', `Environment variable OPENRTC_DRAIN_TIMEOUT must be ${TIMER_RULE}, got 10000000.`],
    ['LIVEKIT_URL', 'localhost:7880', `Environment variable LIVEKIT_URL must be ${URL_RULE}, got 'localhost:7880'.`],
    ['LIVEKIT_URL', 'https://my-project.livekit.cloud', "Environment variable LIVEKIT_URL must be a ws:// or wss:// URL (the worker connects over a websocket): use 'wss://my-project.livekit.cloud', got 'https://my-project.livekit.cloud'."],
    ['LIVEKIT_LOG_LEVEL', 'loud', "Environment variable LIVEKIT_LOG_LEVEL must be one of 'trace', 'debug', 'info', 'warn', 'error', 'fatal', got 'loud'."],
  ])('a bad %s=%p names the variable', async (variable, value, message) => {
    process.env[variable] = value;
    const error = await startupError([forRoot({ isolation: 'coroutine', maxConcurrentSessions: 5 })]);
    expect(error).toBeInstanceOf(OpenRtcConfigError);
    expect(error.message).toBe(message);
  });

  describe('with ConfigModule', () => {
    it('reads the variables through ConfigService: `load` factories count, numbers included', async () => {
      const { options } = await resolved([configModule({ OPENRTC_ISOLATION: 'process', OPENRTC_MAX_CONCURRENT_SESSIONS: 7 }, { isGlobal: true }), forRoot()]);
      expect(options).toMatchObject({ isolation: 'process', maxConcurrentSessions: 7 });
      expect(process.env.OPENRTC_ISOLATION).toBeUndefined();
    });

    it('whatever the import order, even when ConfigModule is still loading', async () => {
      const { options } = await resolved([forRoot({ isolation: 'coroutine' }), configModule({ OPENRTC_ISOLATION: 'process' }, { isGlobal: true, delay: 30 })]);
      expect(options.isolation).toBe('process');
    });

    it('still lets process.env through ConfigService', async () => {
      process.env.OPENRTC_MAX_CONCURRENT_SESSIONS = '9';
      const { options } = await resolved([configModule({ OPENRTC_ISOLATION: 'process' }, { isGlobal: true }), forRoot({ maxConcurrentSessions: 3 })]);
      expect(options).toMatchObject({ isolation: 'process', maxConcurrentSessions: 9 });
    });

    it('a bad value names the variable', async () => {
      const error = await startupError([configModule({ OPENRTC_ISOLATION: 'thread' }, { isGlobal: true }), forRoot()]);
      expect(error).toBeInstanceOf(OpenRtcConfigError);
      expect(error.message).toBe("Environment variable OPENRTC_ISOLATION must be one of 'coroutine', 'process', got 'thread'.");
    });

    it('a ConfigModule imported through forRootAsync({ imports }) counts too', async () => {
      const { options } = await resolved([OpenRtcModule.forRootAsync({
        imports: [configModule({ OPENRTC_ISOLATION: 'process', SESSIONS: 4 })],
        inject: [ConfigService],
        useFactory: (config: ConfigService) => ({ autoStart: false, maxConcurrentSessions: config.get<number>('SESSIONS') }),
      })]);
      expect(options).toMatchObject({ isolation: 'process', maxConcurrentSessions: 4 });
    });

    it('a ConfigModule OpenRtcModule cannot see (not global) leaves process.env, and says so', async () => {
      process.env.OPENRTC_MAX_CONCURRENT_SESSIONS = '6';
      const { options, warnings } = await resolved([configModule({ OPENRTC_ISOLATION: 'process' }), forRoot()]);
      expect(options).toMatchObject({ isolation: 'coroutine', maxConcurrentSessions: 6 });
      expect(warnings).toEqual([
        'ConfigModule is imported but not global, so OpenRTC reads its environment variables from process.env only. ' +
          'Use ConfigModule.forRoot({ isGlobal: true }) for its `load` factories to count.',
      ]);
    });
  });
});
