import type { OpenRtcModuleOptions } from './openrtc-options.interface.js';

/** The environment variables that set module options, with the option each one sets. */
export const OPTION_ENVIRONMENT = {
  OPENRTC_ISOLATION: 'isolation',
  OPENRTC_MAX_CONCURRENT_SESSIONS: 'maxConcurrentSessions',
  OPENRTC_DRAIN_TIMEOUT: 'drainTimeout',
  OPENRTC_AGENT_NAME: 'agentName',
  OPENRTC_IDLE_PROCESSES: 'idleProcesses',
  OPENRTC_MAX_EVENT_LOOP_UTILIZATION: 'maxEventLoopUtilization',
  OPENRTC_MAX_CPU_UTILIZATION: 'maxCpuUtilization',
  OPENRTC_MEMORY_WARN_MB: 'memoryWarnMB',
  OPENRTC_MEMORY_LIMIT_MB: 'memoryLimitMB',
  LIVEKIT_URL: 'livekit.url',
  LIVEKIT_API_KEY: 'livekit.apiKey',
  LIVEKIT_API_SECRET: 'livekit.apiSecret',
  LIVEKIT_LOG_LEVEL: 'logLevel',
  OPENRTC_ROOM_SAMPLE_RATE: 'roomAudio.sampleRate',
  OPENRTC_ROOM_FRAME_MS: 'roomAudio.frameSizeMs',
} as const;

/** The options whose environment variable and CLI flag hold a number. */
export const NUMERIC_OPTIONS: ReadonlySet<string> = new Set(['maxConcurrentSessions', 'drainTimeout', 'idleProcesses', 'maxEventLoopUtilization', 'maxCpuUtilization', 'memoryWarnMB', 'memoryLimitMB']);

/** Numeric options that `false` turns off; the text 'false' (environment, CLI) means the same. */
export const SWITCHABLE_OPTIONS: ReadonlySet<string> = new Set(['maxEventLoopUtilization', 'maxCpuUtilization']);

/** A numeric option's text as its value: a number, false for 'false' where the option takes it, else the text (validation names it). */
export function numericOptionValue(option: string, text: string): unknown {
  if (SWITCHABLE_OPTIONS.has(option) && text.toLowerCase() === 'false') return false;
  return text !== '' && Number.isFinite(Number(text)) ? Number(text) : text;
}

/**
 * Reads the option layer that environment variables set (through ConfigService when ConfigModule is
 * loaded, so `.env` files count). Blank variables are ignored; validating the layer with
 * `environmentLabel` makes a bad value an error that names the variable.
 */
export function readEnvironmentOptions(read: (name: string) => string | undefined): OpenRtcModuleOptions {
  const options: Record<string, unknown> = {};
  const livekit: Record<string, string> = {};
  const roomAudio: Record<string, unknown> = {};
  for (const [variable, option] of Object.entries(OPTION_ENVIRONMENT)) {
    const raw = read(variable)?.trim();
    if (!raw) continue;
    if (option.startsWith('roomAudio.')) {
      roomAudio[option.slice('roomAudio.'.length)] = Number.isFinite(Number(raw)) ? Number(raw) : raw;
    } else if (option.startsWith('livekit.')) {
      livekit[option.slice('livekit.'.length)] = raw;
    } else if (NUMERIC_OPTIONS.has(option)) {
      // Text that is no number stays text, so validation rejects it with the option's own rule (integer or not).
      options[option] = numericOptionValue(option, raw);
    } else {
      options[option] = raw;
    }
  }
  if (Object.keys(livekit).length > 0) options.livekit = livekit;
  if (Object.keys(roomAudio).length > 0) options.roomAudio = roomAudio;
  return options as OpenRtcModuleOptions;
}

/** Names an option by the environment variable that set it, for error messages. */
export function environmentLabel(option: string): string {
  const variable = Object.entries(OPTION_ENVIRONMENT).find(([, name]) => name === option)?.[0];
  return variable ? `Environment variable ${variable}` : `OpenRtcModule option '${option}'`;
}

/** Layers options, later layers winning; `livekit` and `defaults` merge key by key. */
export function layerOptions(...layers: Array<OpenRtcModuleOptions | undefined>): OpenRtcModuleOptions {
  const result: OpenRtcModuleOptions = {};
  for (const layer of layers) {
    if (!layer) continue;
    for (const [key, value] of Object.entries(layer)) {
      if (value === undefined) continue;
      const current = (result as Record<string, unknown>)[key];
      (result as Record<string, unknown>)[key] =
        (key === 'livekit' || key === 'defaults' || key === 'roomAudio') && current && typeof value === 'object' ? { ...current, ...value } : value;
    }
  }
  return result;
}
