import { OpenRtcConfigError, describeValue } from '../errors/openrtc.errors.js';
import type { ProviderValue } from './agent-config.interface.js';
import type { OpenRtcSession } from './session-context.interface.js';

/** What a provider option accepts, as error messages say it. */
export const PROVIDER_RULE = "a provider string such as 'openai/gpt-4.1-mini', a plugin instance, or a factory such as () => new openai.LLM()";

/**
 * Why `value` is no provider (the end of an error sentence), or undefined when it is one. A class
 * passed where an instance or a factory belongs is its own mistake: calling it would throw
 * "cannot be invoked without 'new'".
 */
export function providerProblem(value: unknown): string | undefined {
  if (typeof value === 'function') {
    const name = value.name || 'Provider';
    return isClass(value) ? `is the class ${name}, not a provider: pass an instance (new ${name}()) or a factory (() => new ${name}())` : undefined;
  }
  const valid = (typeof value === 'string' && value.trim() !== '') || (typeof value === 'object' && value !== null);
  return valid ? undefined : `must be ${PROVIDER_RULE}, got ${describeValue(value)}`;
}

/**
 * The provider one session gets: a factory is called for it (each session its own instance, so an
 * error one instance emits reaches only its session); a string or an instance is passed as it is.
 */
export function providerForSession(value: ProviderValue, session: OpenRtcSession, field: string): string | object {
  if (typeof value !== 'function') return value;
  const provided: unknown = (value as (session: OpenRtcSession) => unknown)(session);
  // What it returns must be a provider itself: not another factory, not a Promise of one.
  if (typeof provided !== 'function' && !isPromise(provided) && providerProblem(provided) === undefined) return provided as string | object;
  throw new OpenRtcConfigError(
    `Agent '${session.agentName}': the ${field} factory returned ${isPromise(provided) ? 'a Promise' : describeValue(provided)}, ` +
      'but it must return a provider string or a plugin instance, synchronously (e.g. () => new openai.LLM()).',
  );
}

/** A provider as `openrtc list` shows it: a string as written, an instance by its class (`<LLM>`), a factory as `<factory>`. */
export function providerLabel(value: ProviderValue | undefined): string | null {
  if (value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'function') return '<factory>';
  return `<${instanceClassName(value) ?? 'instance'}>`;
}

/** The class a provider instance was built from, e.g. `LLM`; undefined for a plain object. */
export function instanceClassName(value: object): string | undefined {
  const name = (value as { constructor?: { name?: string } }).constructor?.name;
  return name && name !== 'Object' ? name : undefined;
}

function isClass(fn: Function): boolean {
  return /^class[\s{]/.test(Function.prototype.toString.call(fn));
}

function isPromise(value: unknown): boolean {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
