import 'reflect-metadata';
import { OpenRtcConfigError, OpenRtcModule, type OpenRtcModuleOptions } from '@openrtc/nestjs';
import { startApp, startupError } from '../support/nest-app.js';

const PROVIDER_RULE = "a provider string such as 'openai/gpt-4.1-mini', a plugin instance, or a factory such as () => new openai.LLM()";
const NAME_RULE = 'must be 1-64 characters of ASCII letters, digits, dashes, or underscores';
const router = () => undefined;
const requestFilter = () => undefined;

async function optionsError(options: unknown): Promise<Error> {
  const error = await startupError([OpenRtcModule.forRoot({ autoStart: false, ...(options as OpenRtcModuleOptions) })]);
  expect(error).toBeInstanceOf(OpenRtcConfigError);
  return error;
}

const TIMER_RULE = "at most 2147483 seconds (Node's timer limit, about 24.8 days)";
const URL_RULE = "a ws:// or wss:// URL with a host, such as 'wss://my-project.livekit.cloud' or 'ws://127.0.0.1:7880'";

describe('forRoot() options are validated: the error names the option, the bad value and what is allowed', () => {
  it.each<[unknown, string]>([
    [{ isolation: 'thread' }, "OpenRtcModule option 'isolation' must be one of 'coroutine', 'process', got 'thread'."],
    [{ isolation: 'Process' }, "OpenRtcModule option 'isolation' must be one of 'coroutine', 'process', got 'Process'."],
    [{ turnDetection: 'smart' }, "OpenRtcModule option 'turnDetection' must be one of 'audio', 'multilingual', 'vad', 'none', got 'smart'."],
    [{ logLevel: 'verbose' }, "OpenRtcModule option 'logLevel' must be one of 'trace', 'debug', 'info', 'warn', 'error', 'fatal', got 'verbose'."],
    [{ maxConcurrentSessions: 0 }, "OpenRtcModule option 'maxConcurrentSessions' must be a positive integer, got 0."],
    [{ maxConcurrentSessions: -3 }, "OpenRtcModule option 'maxConcurrentSessions' must be a positive integer, got -3."],
    [{ maxConcurrentSessions: 2.5 }, "OpenRtcModule option 'maxConcurrentSessions' must be a positive integer, got 2.5."],
    [{ maxConcurrentSessions: '10' }, "OpenRtcModule option 'maxConcurrentSessions' must be a positive integer, got '10'."],
    [{ maxConcurrentSessions: true }, "OpenRtcModule option 'maxConcurrentSessions' must be a positive integer, got true."],
    [{ maxConcurrentSessions: Number.NaN }, "OpenRtcModule option 'maxConcurrentSessions' must be a positive integer, got NaN."],
    [{ consecutiveFailureLimit: 0 }, "OpenRtcModule option 'consecutiveFailureLimit' must be a positive integer, got 0."],
    [{ idleProcesses: 0 }, "OpenRtcModule option 'idleProcesses' must be a positive integer, got 0."],
    [{ idleProcesses: '4' }, "OpenRtcModule option 'idleProcesses' must be a positive integer, got '4'."],
    [{ processBootTimeout: 0 }, "OpenRtcModule option 'processBootTimeout' must be a positive number of seconds, got 0."],
    [{ processBootTimeout: '20' }, "OpenRtcModule option 'processBootTimeout' must be a positive number of seconds, got '20'."],
    [{ drainTimeout: 0 }, "OpenRtcModule option 'drainTimeout' must be a positive number of seconds, got 0."],
    [{ drainTimeout: Number.POSITIVE_INFINITY }, "OpenRtcModule option 'drainTimeout' must be a positive number of seconds, got Infinity."],
    [{ drainTimeout: '30s' }, "OpenRtcModule option 'drainTimeout' must be a positive number of seconds, got '30s'."],
    [{ acceptOnlyRegisteredRooms: 'yes' }, "OpenRtcModule option 'acceptOnlyRegisteredRooms' must be true or false, got 'yes'."],
    [{ autoStart: 1 }, "OpenRtcModule option 'autoStart' must be true or false, got 1."],
    [{ router: 'billing' }, "OpenRtcModule option 'router' must be a function, got 'billing'."],
    [{ requestFilter: {} }, "OpenRtcModule option 'requestFilter' must be a function, got {}."],
    [{ agentName: '' }, "OpenRtcModule option 'agentName' must be a non-empty string, got ''."],
    [{ agentName: 'front desk' }, `OpenRtcModule option 'agentName' ${NAME_RULE}, got 'front desk'.`],
    [{ defaultAgent: 3 }, "OpenRtcModule option 'defaultAgent' must be a non-empty string, got 3."],
    [{ defaultAgent: 'front.desk' }, `OpenRtcModule option 'defaultAgent' ${NAME_RULE}, got 'front.desk'.`],
    [{ defaults: 'openai/gpt-4.1-mini' }, "OpenRtcModule option 'defaults' must be an object, got 'openai/gpt-4.1-mini'."],
    [{ defaults: null }, "OpenRtcModule option 'defaults' must be an object, got null."],
    [{ defaults: { greeting: ' ' } }, "OpenRtcModule option 'defaults.greeting' must be a non-empty string, got ' '."],
    [{ defaults: { llm: 4 } }, `OpenRtcModule option 'defaults.llm' must be ${PROVIDER_RULE}, got 4.`],
    [{ defaults: { stt: '' } }, `OpenRtcModule option 'defaults.stt' must be ${PROVIDER_RULE}, got ''.`],
    [{ defaults: { tts: null } }, `OpenRtcModule option 'defaults.tts' must be ${PROVIDER_RULE}, got null.`],
    [{ agents: ['restaurant'] }, "OpenRtcModule option 'agents' must be an object, got [\"restaurant\"]."],
    [{ agents: { restaurant: 'openai/gpt-4.1-mini' } }, "OpenRtcModule option 'agents.restaurant' must be an object, got 'openai/gpt-4.1-mini'."],
    [{ agents: { 'front desk': {} } }, `OpenRtcModule option 'agents': the agent name ${NAME_RULE}, got 'front desk'.`],
    [{ agents: { restaurant: { greeting: '' } } }, "OpenRtcModule option 'agents.restaurant.greeting' must be a non-empty string, got ''."],
    [{ agents: { dental: { llm: class RemoteLLM {} } } }, "OpenRtcModule option 'agents.dental.llm' is the class RemoteLLM, not a provider: pass an instance (new RemoteLLM()) or a factory (() => new RemoteLLM())."],
    [{ agents: { dental: { tts: 3 } } }, `OpenRtcModule option 'agents.dental.tts' must be ${PROVIDER_RULE}, got 3.`],
    [{ agents: { dental: { sessionOptions: 'fast' } } }, "OpenRtcModule option 'agents.dental.sessionOptions' must be an object, got 'fast'."],
    [{ livekit: { url: 'localhost:7880' } }, `OpenRtcModule option 'livekit.url' must be ${URL_RULE}, got 'localhost:7880'.`],
    [{ livekit: { url: 'http://127.0.0.1:7880' } }, "OpenRtcModule option 'livekit.url' must be a ws:// or wss:// URL (the worker connects over a websocket): use 'ws://127.0.0.1:7880', got 'http://127.0.0.1:7880'."],
    [{ livekit: { url: 'HTTPS://my-project.livekit.cloud' } }, "OpenRtcModule option 'livekit.url' must be a ws:// or wss:// URL (the worker connects over a websocket): use 'wss://my-project.livekit.cloud', got 'HTTPS://my-project.livekit.cloud'."],
    [{ livekit: { url: 'ws://live kit:7880' } }, `OpenRtcModule option 'livekit.url' must be ${URL_RULE}, without spaces, got 'ws://live kit:7880'.`],
    [{ livekit: { url: 'wss://' } }, `OpenRtcModule option 'livekit.url' must be ${URL_RULE}, got 'wss://'.`],
    [{ livekit: { url: 'ws://[::1:7880' } }, `OpenRtcModule option 'livekit.url' must be ${URL_RULE}, got 'ws://[::1:7880'.`],
    [{ drainTimeout: 1e7 }, `OpenRtcModule option 'drainTimeout' must be ${TIMER_RULE}, got 10000000.`],
    [{ drainTimeout: 2147484 }, `OpenRtcModule option 'drainTimeout' must be ${TIMER_RULE}, got 2147484.`],
    [{ processBootTimeout: 1e7 }, `OpenRtcModule option 'processBootTimeout' must be ${TIMER_RULE}, got 10000000.`],
    [{ livekit: { url: 7880 } }, "OpenRtcModule option 'livekit.url' must be a non-empty string when set."],
  ])('%p', async (options, message) => {
    expect((await optionsError(options)).message).toBe(message);
  });

  it.each<[unknown, string]>([
    [{ defaults: { instructions: 'Be brief.' } }, "Unknown OpenRtcModule option 'defaults.instructions'. Known options: stt, llm, tts, greeting."],
    [{ livekit: { token: 'eyJhbGciOi' } }, "Unknown OpenRtcModule option 'livekit.token'. Known options: url, apiKey, apiSecret."],
    [{ agents: { dental: { name: 'teeth' } } }, "Unknown OpenRtcModule option 'agents.dental.name'. Known options: stt, llm, tts, greeting, sessionOptions."],
  ])('unknown nested key %p', async (options, message) => {
    expect((await optionsError(options)).message).toBe(message);
  });

  it('an unknown top-level key lists the known options', async () => {
    const { message } = await optionsError({ isolaton: 'process' });
    expect(message).toMatch(/^Unknown OpenRtcModule option 'isolaton'\. Known options: [a-zA-Z, ]+\.$/);
    const known = message.slice(message.indexOf('Known options: ') + 'Known options: '.length, -1).split(', ');
    expect(known).toEqual(expect.arrayContaining(['isolation', 'maxConcurrentSessions', 'consecutiveFailureLimit', 'drainTimeout', 'agentName', 'defaults',
      'defaultAgent', 'router', 'requestFilter', 'acceptOnlyRegisteredRooms', 'livekit', 'logLevel', 'autoStart', 'turnDetection']));
  });

  it.each<[unknown, string]>([
    [{ router, acceptOnlyRegisteredRooms: true }, 'router'],
    [{ requestFilter, acceptOnlyRegisteredRooms: true }, 'requestFilter'],
    [{ router, requestFilter, acceptOnlyRegisteredRooms: true }, 'requestFilter'],
  ])('%p: router/requestFilter and acceptOnlyRegisteredRooms are mutually exclusive', async (options, other) => {
    expect((await optionsError(options)).message).toBe(
      `OpenRtcModule options '${other}' and 'acceptOnlyRegisteredRooms' are mutually exclusive: pass one of them. ` +
        `A custom ${other} decides for itself which jobs belong to this worker.`,
    );
  });

  it('a router with acceptOnlyRegisteredRooms: false, and a router with a requestFilter, are fine', async () => {
    for (const options of [{ router, acceptOnlyRegisteredRooms: false }, { router, requestFilter }]) {
      const { app } = await startApp([OpenRtcModule.forRoot({ autoStart: false, ...options })]);
      await app.close();
    }
  });

  describe('credentials are never echoed', () => {
    const SECRET = 'sk_live_7fQ2m9';

    it.each<[unknown, string]>([
      [{ livekit: { apiKey: 'APIxyz', apiSecret: 12345 } }, "OpenRtcModule option 'livekit.apiSecret' must be a non-empty string when set."],
      [{ livekit: { apiKey: '', apiSecret: SECRET } }, "OpenRtcModule option 'livekit.apiKey' must be a non-empty string when set."],
      [{ livekit: { apiKey: ['APIxyz'], apiSecret: SECRET } }, "OpenRtcModule option 'livekit.apiKey' must be a non-empty string when set."],
      [{ livekit: { apiSecret: SECRET, secret: SECRET } }, "Unknown OpenRtcModule option 'livekit.secret'. Known options: url, apiKey, apiSecret."],
      [{ livekit: { url: 'livekit.local', apiKey: 'APIxyz', apiSecret: SECRET } },
        `OpenRtcModule option 'livekit.url' must be ${URL_RULE}, got 'livekit.local'.`],
      [{ livekit: { url: `wss://APIxyz:${SECRET}@livekit.local` } },
        "OpenRtcModule option 'livekit.url' must not carry credentials (user:password@host): set livekit.apiKey and livekit.apiSecret (LIVEKIT_API_KEY, LIVEKIT_API_SECRET) instead."],
      [{ livekit: `wss://APIxyz:${SECRET}@livekit.local` }, "OpenRtcModule option 'livekit' must be an object { url, apiKey, apiSecret }, got a string."],
      [{ livekit: [SECRET] }, "OpenRtcModule option 'livekit' must be an object { url, apiKey, apiSecret }, got an array."],
      [{ livekit: null }, "OpenRtcModule option 'livekit' must be an object { url, apiKey, apiSecret }, got null."],
      [{ livekit: { apiSecret: SECRET }, maxConcurrentSessions: 0 }, "OpenRtcModule option 'maxConcurrentSessions' must be a positive integer, got 0."],
    ])('%p', async (options, message) => {
      const error = await optionsError(options);
      expect(error.message).toBe(message);
      expect(error.message).not.toContain(SECRET);
      expect(error.message).not.toContain('12345');
      expect(String(error.stack)).not.toContain(SECRET);
    });
  });
});
