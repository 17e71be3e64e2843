import { validateAgentName } from '../agents/agent-name.js';
import { checkAgentSettings } from '../agents/agent-settings.js';
import { OpenRtcConfigError, describeValue } from '../errors/openrtc.errors.js';
import type { OpenRtcModuleOptions, ResolvedOpenRtcOptions } from './openrtc-options.interface.js';
import { OPENRTC_DEFAULTS } from './options.defaults.js';

const KNOWN_OPTIONS = [
  'isolation', 'maxConcurrentSessions', 'consecutiveFailureLimit', 'drainTimeout', 'agentName', 'defaults',
  'defaultAgent', 'router', 'requestFilter', 'acceptOnlyRegisteredRooms', 'livekit', 'logLevel', 'autoStart',
  'turnDetection', 'appModule', 'idleProcesses', 'onFailureLimit', 'vad', 'health', 'agents', 'processBootTimeout',
  'maxEventLoopUtilization', 'maxCpuUtilization',
  'sessionEventTimeout', 'metrics',
  'roomAudio',
  'memoryWarnMB', 'memoryLimitMB',
] as const;
const ISOLATIONS = ['coroutine', 'process'];
const TURN_DETECTIONS = ['audio', 'multilingual', 'vad', 'none'];
const VADS = ['silero', 'native'];
const ROOM_SAMPLE_RATES = [8000, 16000, 24000, 48000];
const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
const DEFAULT_KEYS = ['stt', 'llm', 'tts', 'greeting'];
const AGENT_SETTING_KEYS = [...DEFAULT_KEYS, 'sessionOptions'];
const LIVEKIT_KEYS = ['url', 'apiKey', 'apiSecret'];
/** Options that hold seconds and become a Node timer. */
const DURATION_OPTIONS = ['drainTimeout', 'processBootTimeout', 'sessionEventTimeout'] as const;
/** The longest delay a Node timer takes (2^31-1 ms). */
const MAX_TIMER_MS = 2 ** 31 - 1;
const MAX_DURATION_SECONDS = Math.floor(MAX_TIMER_MS / 1000);

/** Names where an option came from in error messages, e.g. `Environment variable OPENRTC_ISOLATION`. */
export type OptionLabel = (option: string) => string;
export const moduleOptionLabel: OptionLabel = (option) => `OpenRtcModule option '${option}'`;

let label: OptionLabel = moduleOptionLabel;

const fail = (option: string, value: unknown, allowed: string): never => {
  throw new OpenRtcConfigError(`${label(option)} must be ${allowed}, got ${describeValue(value)}.`);
};

function oneOf(option: string, value: unknown, allowed: string[]): void {
  if (value !== undefined && !allowed.includes(value as string)) fail(option, value, `one of ${allowed.map((v) => `'${v}'`).join(', ')}`);
}

function positiveInteger(option: string, value: unknown): void {
  if (value !== undefined && !(typeof value === 'number' && Number.isInteger(value) && value >= 1)) fail(option, value, 'a positive integer');
}

function knownKeys(option: string, value: object, keys: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) {
      throw new OpenRtcConfigError(`Unknown OpenRtcModule option '${option ? `${option}.` : ''}${key}'. Known options: ${keys.join(', ')}.`);
    }
  }
}

function plainObject(option: string, value: unknown): value is Record<string, unknown> {
  if (value === undefined) return false;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(option, value, 'an object');
  return true;
}

/**
 * Checks one layer of options (code, environment or CLI). Errors name the option as `describe`
 * says, the bad value and what is allowed; credentials are never echoed.
 */
export function validateOptionLayer(options: OpenRtcModuleOptions, describe: OptionLabel = moduleOptionLabel): void {
  label = describe;
  try {
    checkLayer(options);
  } finally {
    label = moduleOptionLabel;
  }
}

/** Checks every option and applies library defaults. */
export function resolveModuleOptions(options: OpenRtcModuleOptions = {}): ResolvedOpenRtcOptions {
  validateOptionLayer(options);
  return {
    ...OPENRTC_DEFAULTS,
    ...withoutUndefined(options),
    agentName: options.agentName?.trim(),
    defaultAgent: options.defaultAgent?.trim(),
    defaults: { ...options.defaults },
    livekit: { ...options.livekit },
    // 0 turns a headroom check off, as false does.
    ...(options.maxEventLoopUtilization === 0 ? { maxEventLoopUtilization: false } : {}),
    ...(options.maxCpuUtilization === 0 ? { maxCpuUtilization: false } : {}),
  };
}

function checkLayer(options: OpenRtcModuleOptions): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new OpenRtcConfigError(`OpenRtcModule options must be an object, got ${describeValue(options)}.`);
  }
  knownKeys('', options, KNOWN_OPTIONS);
  oneOf('isolation', options.isolation, ISOLATIONS);
  oneOf('turnDetection', options.turnDetection, TURN_DETECTIONS);
  oneOf('vad', options.vad, VADS);
  oneOf('logLevel', options.logLevel, LOG_LEVELS);
  positiveInteger('maxConcurrentSessions', options.maxConcurrentSessions);
  positiveInteger('consecutiveFailureLimit', options.consecutiveFailureLimit);
  positiveInteger('idleProcesses', options.idleProcesses);
  for (const option of ['maxEventLoopUtilization', 'maxCpuUtilization'] as const) {
    const value = options[option];
    if (value !== undefined && value !== false && !(typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1)) {
      fail(option, value, 'a share from 0 to 1 such as 0.7 (false or 0: not checked)');
    }
  }
  for (const option of ['memoryWarnMB', 'memoryLimitMB'] as const) {
    const value = options[option];
    if (value !== undefined && !(typeof value === 'number' && Number.isInteger(value) && value >= 0)) fail(option, value, 'a whole number of megabytes >= 0 (0: off)');
  }
  if (options.memoryWarnMB && options.memoryLimitMB && options.memoryWarnMB >= options.memoryLimitMB) {
    throw new OpenRtcConfigError(
      `${label('memoryWarnMB')} (${options.memoryWarnMB}) must be below ${label('memoryLimitMB')} (${options.memoryLimitMB}): the warning comes before the limit. Lower the first or raise the second.`,
    );
  }
  for (const option of DURATION_OPTIONS) {
    const value = options[option];
    if (value === undefined) continue;
    if (!(typeof value === 'number' && Number.isFinite(value) && value > 0)) fail(option, value, 'a positive number of seconds');
    // Node fires a longer timer at once (with a TimeoutOverflowWarning): a drain would cancel every call.
    if ((value as number) * 1000 > MAX_TIMER_MS) fail(option, value, `at most ${MAX_DURATION_SECONDS} seconds (Node's timer limit, about 24.8 days)`);
  }
  for (const flag of ['acceptOnlyRegisteredRooms', 'autoStart'] as const) {
    if (options[flag] !== undefined && typeof options[flag] !== 'boolean') fail(flag, options[flag], 'true or false');
  }
  if (options.appModule !== undefined) {
    const spec = options.appModule as { path?: unknown; exportName?: unknown } | null;
    if (!spec || typeof spec !== 'object' || typeof spec.path !== 'string' || spec.path === '' || (spec.exportName !== undefined && typeof spec.exportName !== 'string')) {
      fail('appModule', spec, "an object { path: '<built file that exports the root module>', exportName?: 'AppModule' }");
    }
  }
  if (plainObject('health', options.health)) {
    knownKeys('health', options.health, ['host', 'port']);
    const { host, port } = options.health;
    if (host !== undefined && (typeof host !== 'string' || host === '')) fail('health.host', host, "a host name or address such as '0.0.0.0'");
    if (port !== undefined && !(typeof port === 'number' && Number.isInteger(port) && port >= 0 && port <= 65535)) fail('health.port', port, 'a port number from 0 to 65535 (0: any free port)');
  }
  checkMetrics(options.metrics);
  if (plainObject('roomAudio', options.roomAudio)) {
    knownKeys('roomAudio', options.roomAudio, ['sampleRate', 'frameSizeMs']);
    const { sampleRate, frameSizeMs } = options.roomAudio;
    if (sampleRate !== undefined && !ROOM_SAMPLE_RATES.includes(sampleRate as number)) fail('roomAudio.sampleRate', sampleRate, `one of ${ROOM_SAMPLE_RATES.join(', ')} (Hz)`);
    if (frameSizeMs !== undefined && !(typeof frameSizeMs === 'number' && Number.isInteger(frameSizeMs) && frameSizeMs >= 10 && frameSizeMs <= 100 && frameSizeMs % 10 === 0)) {
      fail('roomAudio.frameSizeMs', frameSizeMs, 'a whole number of milliseconds from 10 to 100, in steps of 10 (e.g. 20 or 40)');
    }
  }
  for (const hook of ['router', 'requestFilter', 'onFailureLimit'] as const) {
    if (options[hook] !== undefined && typeof options[hook] !== 'function') fail(hook, options[hook], 'a function');
  }
  if (options.acceptOnlyRegisteredRooms && (options.router || options.requestFilter)) {
    const other = options.requestFilter ? 'requestFilter' : 'router';
    throw new OpenRtcConfigError(
      `OpenRtcModule options '${other}' and 'acceptOnlyRegisteredRooms' are mutually exclusive: pass one of them. ` +
        `A custom ${other} decides for itself which jobs belong to this worker.`,
    );
  }
  if (options.agentName !== undefined) validateAgentName(options.agentName, label('agentName'));
  if (options.defaultAgent !== undefined) validateAgentName(options.defaultAgent, label('defaultAgent'));
  if (plainObject('defaults', options.defaults)) {
    knownKeys('defaults', options.defaults, DEFAULT_KEYS);
    checkAgentSettings(options.defaults, (key) => label(`defaults.${key}`));
  }
  if (plainObject('agents', options.agents)) {
    for (const [name, settings] of Object.entries(options.agents)) {
      validateAgentName(name, `${label('agents')}: the agent name`);
      if (!plainObject(`agents.${name}`, settings)) continue; // unset: nothing to lay over
      knownKeys(`agents.${name}`, settings, AGENT_SETTING_KEYS);
      checkAgentSettings(settings as Record<string, unknown>, (key) => label(`agents.${name}.${key}`));
      plainObject(`agents.${name}.sessionOptions`, settings.sessionOptions); // throws unless an object (or unset)
    }
  }
  // A misplaced credential must not be echoed, so a livekit value that is no object is described by its type only.
  if (options.livekit !== undefined && (options.livekit === null || typeof options.livekit !== 'object' || Array.isArray(options.livekit))) {
    throw new OpenRtcConfigError(`${label('livekit')} must be an object { url, apiKey, apiSecret }, got ${options.livekit === null ? 'null' : Array.isArray(options.livekit) ? 'an array' : `a ${typeof options.livekit}`}.`);
  }
  if (plainObject('livekit', options.livekit)) {
    knownKeys('livekit', options.livekit, LIVEKIT_KEYS);
    for (const key of LIVEKIT_KEYS as Array<'url' | 'apiKey' | 'apiSecret'>) {
      const value = options.livekit[key];
      // Never echo a credential back into an error or a log.
      if (value !== undefined && (typeof value !== 'string' || value === '')) {
        throw new OpenRtcConfigError(`${label(`livekit.${key}`)} must be a non-empty string when set.`);
      }
    }
    const url = options.livekit.url as string | undefined;
    if (url !== undefined) checkLiveKitUrl(url);
  }
}

/** `metrics: true` or `{ registry?, prefix? }`: a registry must be prom-client's, a prefix a valid metric name start. */
function checkMetrics(metrics: unknown): void {
  if (metrics === undefined || typeof metrics === 'boolean') return;
  if (!plainObject('metrics', metrics)) return;
  knownKeys('metrics', metrics, ['registry', 'prefix']);
  const { registry, prefix } = metrics as { registry?: unknown; prefix?: unknown };
  if (registry !== undefined && (registry === null || typeof (registry as { registerMetric?: unknown }).registerMetric !== 'function')) {
    fail('metrics.registry', registry, "a prom-client Registry (new Registry(), or prom-client's default `register`)");
  }
  if (prefix !== undefined && (typeof prefix !== 'string' || !/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(prefix))) {
    fail('metrics.prefix', prefix, "a Prometheus name prefix of letters, digits, '_' or ':' (not starting with a digit), e.g. 'openrtc_'");
  }
}

/** The worker connects to LiveKit over a websocket; a URL it cannot use would fail only at the first call. */
function checkLiveKitUrl(url: string): void {
  const rule = "a ws:// or wss:// URL with a host, such as 'wss://my-project.livekit.cloud' or 'ws://127.0.0.1:7880'";
  const web = /^(https?):\/\//i.exec(url);
  if (web) {
    const scheme = web[1]!.toLowerCase() === 'https' ? 'wss' : 'ws';
    fail('livekit.url', url, `a ws:// or wss:// URL (the worker connects over a websocket): use '${scheme}${url.slice(web[1]!.length)}'`);
  }
  if (!/^wss?:\/\//i.test(url)) fail('livekit.url', url, rule);
  if (/\s/.test(url)) fail('livekit.url', url, `${rule}, without spaces`);
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    fail('livekit.url', url, rule);
  }
  if (parsed!.username || parsed!.password) {
    // Never echo a credential: the URL is described, not repeated.
    throw new OpenRtcConfigError(`${label('livekit.url')} must not carry credentials (user:password@host): set livekit.apiKey and livekit.apiSecret (LIVEKIT_API_KEY, LIVEKIT_API_SECRET) instead.`);
  }
  if (!parsed!.hostname) fail('livekit.url', url, rule);
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
