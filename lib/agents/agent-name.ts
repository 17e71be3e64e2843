import { OpenRtcConfigError, describeValue } from '../errors/openrtc.errors.js';

const AGENT_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** `RestaurantAgent` -> `restaurant`, `FrontDeskAgent` -> `front-desk`, `IVR2Agent` -> `ivr2`. */
export function defaultAgentName(className: string): string {
  const base = className.replace(/Agent$/, '') || className;
  return base
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
}

/** Returns the trimmed name or throws an error that says which field was wrong and what is allowed. */
export function validateAgentName(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new OpenRtcConfigError(`${field} must be a non-empty string, got ${describeValue(value)}.`);
  }
  const name = value.trim();
  if (!AGENT_NAME.test(name)) {
    throw new OpenRtcConfigError(
      `${field} must be 1-64 characters of ASCII letters, digits, dashes, or underscores, got '${name}'.`,
    );
  }
  return name;
}
