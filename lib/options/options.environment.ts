import type { OpenRtcModuleOptions } from './openrtc-options.interface.js';

/** The environment variables that set module options, with the option each one sets. */
export const OPTION_ENVIRONMENT = {
  OPENRTC_ISOLATION: 'isolation',
  OPENRTC_MAX_CONCURRENT_SESSIONS: 'maxConcurrentSessions',
  OPENRTC_DRAIN_TIMEOUT: 'drainTimeout',
  OPENRTC_AGENT_NAME: 'agentName',
  OPENRTC_IDLE_PROCESSES: 'idleProcesses',
  OPENRTC_MEMORY_WARN_MB: 'memoryWarnMB',
  OPENRTC_MEMORY_LIMIT_MB: 'memoryLimitMB',
  LIVEKIT_URL: 'livekit.url',
  LIVEKIT_API_KEY: 'livekit.apiKey',
  LIVEKIT_API_SECRET: 'livekit.apiSecret',
  LIVEKIT_LOG_LEVEL: 'logLevel',
} as const;

/** The options whose environment variable and CLI flag hold a number. */
export const NUMERIC_OPTIONS: ReadonlySet<string> = new Set(['maxConcurrentSessions', 'drainTimeout', 'idleProcesses', 'memoryWarnMB', 'memoryLimitMB']);

/**
 * Reads the option layer that environment variables set (through ConfigService when ConfigModule is
 * loaded, so `.env` files count). Blank variables are ignored; validating the layer with
 * `environmentLabel` makes a bad value an error that names the variable.
 */
export function readEnvironmentOptions(read: (name: string) => string | undefined): OpenRtcModuleOptions {
  const options: Record<string, unknown> = {};
  const livekit: Record<string, string> = {};
  for (const [variable, option] of Object.entries(OPTION_ENVIRONMENT)) {
    const raw = read(variable)?.trim();
    if (!raw) continue;
    if (option.startsWith('livekit.')) {
      livekit[option.slice('livekit.'.length)] = raw;
    } else if (NUMERIC_OPTIONS.has(option)) {
      // Text that is no number stays text, so validation rejects it with the option's own rule (integer or not).
      options[option] = Number.isFinite(Number(raw)) ? Number(raw) : raw;
    } else {
      options[option] = raw;
    }
  }
  if (Object.keys(livekit).length > 0) options.livekit = livekit;
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
        (key === 'livekit' || key === 'defaults') && current && typeof value === 'object' ? { ...current, ...value } : value;
    }
  }
  return result;
}
