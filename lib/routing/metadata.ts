/**
 * Reads dispatch metadata: a JSON object string or an object. Blank text, text that is not JSON and
 * JSON scalars or arrays carry no routing signal, so they read as empty.
 */
export function parseMetadata(metadata: unknown): Record<string, unknown> {
  if (metadata && typeof metadata === 'object' && !Array.isArray(metadata)) return metadata as Record<string, unknown>;
  if (typeof metadata !== 'string' || metadata.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(metadata);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The agent a metadata object asks for: `agent` first, then `demo`. Blank values are no request. */
export function requestedAgent(metadata: Record<string, unknown>): string | undefined {
  for (const key of ['agent', 'demo']) {
    const value = metadata[key];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return undefined;
}
