/** Invalid module options, agent metadata or registration: fix the code or configuration. @publicApi */
export class OpenRtcConfigError extends Error {
  override name = 'OpenRtcConfigError';
}

/** A job could not be routed to an agent. @publicApi */
export class AgentRoutingError extends Error {
  override name = 'AgentRoutingError';
}

/** A required plugin, model file or runtime piece is missing on this machine. @publicApi */
export class OpenRtcSetupError extends Error {
  override name = 'OpenRtcSetupError';
}

/** Renders a value for an error message: strings quoted, everything else as JSON-ish text. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (typeof value === 'bigint') return `${value}n`;
  // JSON would print NaN and Infinity as null.
  if (typeof value === 'number') return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
