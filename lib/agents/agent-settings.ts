import { OpenRtcConfigError, describeValue } from '../errors/openrtc.errors.js';
import { providerProblem } from './provider-value.js';

/**
 * Checks an agent's greeting and providers, one rule wherever they are set (`@Agent()`,
 * `pool.add()`, OpenRtcModule option `defaults` or `agents`). `field` names a setting as that place
 * says it in errors, e.g. `OpenRtcModule option 'agents.dental.llm'`.
 */
export function checkAgentSettings(settings: Record<string, unknown>, field: (key: string) => string): void {
  const greeting = settings.greeting;
  if (greeting !== undefined && (typeof greeting !== 'string' || greeting.trim() === '')) {
    throw new OpenRtcConfigError(`${field('greeting')} must be a non-empty string, got ${describeValue(greeting)}.`);
  }
  for (const key of ['stt', 'llm', 'tts']) {
    const problem = settings[key] === undefined ? undefined : providerProblem(settings[key]);
    if (problem) throw new OpenRtcConfigError(`${field(key)} ${problem}.`);
  }
}
