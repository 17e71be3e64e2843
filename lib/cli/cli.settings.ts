import type { OpenRtcModuleOptions } from '../options/openrtc-options.interface.js';
import { NUMERIC_OPTIONS, numericOptionValue } from '../options/options.environment.js';
import { validateOptionLayer, type OptionLabel } from '../options/options.validation.js';
import { CliError } from './cli.error.js';

/** The module option each setting flag sets. */
const FLAG_OPTIONS: Record<string, string> = {
  isolation: 'isolation',
  'max-concurrent-sessions': 'maxConcurrentSessions',
  'drain-timeout': 'drainTimeout',
  'agent-name': 'agentName',
  'idle-processes': 'idleProcesses',
  'max-event-loop-utilization': 'maxEventLoopUtilization',
  'max-cpu-utilization': 'maxCpuUtilization',
  'memory-warn-mb': 'memoryWarnMB',
  'memory-limit-mb': 'memoryLimitMB',
  url: 'livekit.url',
  'api-key': 'livekit.apiKey',
  'api-secret': 'livekit.apiSecret',
  'log-level': 'logLevel',
};

/** Names an option by the flag that set it, in validation errors: `Flag --isolation must be ...`. */
export const flagLabel: OptionLabel = (option) => {
  const flag = Object.entries(FLAG_OPTIONS).find(([, name]) => name === option)?.[0];
  return flag ? `Flag --${flag}` : `Option '${option}'`;
};

/**
 * The CLI layer of the module options: the setting flags the user passed, checked by the module's
 * own rules (errors name the flag; credentials are never echoed). Flags left out stay unset, so the
 * environment, forRoot() and the defaults decide them.
 */
export function settingsFromFlags(flags: Record<string, string | boolean | undefined>): OpenRtcModuleOptions {
  const options: Record<string, unknown> = {};
  const livekit: Record<string, unknown> = {};
  for (const [flag, option] of Object.entries(FLAG_OPTIONS)) {
    const raw = flags[flag];
    if (typeof raw !== 'string') continue;
    const text = raw.trim();
    const value = NUMERIC_OPTIONS.has(option) ? numericOptionValue(option, text) : option.startsWith('livekit.') ? raw : text;
    if (option.startsWith('livekit.')) livekit[option.slice('livekit.'.length)] = value;
    else options[option] = value;
  }
  if (Object.keys(livekit).length > 0) options.livekit = livekit;
  try {
    validateOptionLayer(options as OpenRtcModuleOptions, flagLabel);
  } catch (error) {
    throw new CliError((error as Error).message, 2);
  }
  return options as OpenRtcModuleOptions;
}

