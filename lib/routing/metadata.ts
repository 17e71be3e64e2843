import { Logger } from '@nestjs/common';

/** LiveKit refuses job and room metadata over 512 KiB; anything larger did not come from it. */
export const METADATA_LIMIT_BYTES = 512 * 1024;

// A job's metadata is read at the offer, by the router and for the session: parse each text once.
// Keyed by the text itself, so the offer's copy and the assignment's share an entry.
const CACHE_SIZE = 32;
const parsed = new Map<string, Readonly<Record<string, unknown>>>();
const EMPTY: Readonly<Record<string, unknown>> = Object.freeze({});
const logger = new Logger('OpenRTC');

/**
 * Reads dispatch metadata: a JSON object string or an object. Blank text, text that is not JSON,
 * JSON scalars or arrays, and text over LiveKit's 512 KiB limit (with a warning naming `where`)
 * carry no routing signal, so they read as empty.
 */
export function parseMetadata(metadata: unknown, where = 'metadata'): Readonly<Record<string, unknown>> {
  if (metadata && typeof metadata === 'object' && !Array.isArray(metadata)) return metadata as Record<string, unknown>;
  if (typeof metadata !== 'string' || metadata.trim() === '') return EMPTY;
  const cached = parsed.get(metadata);
  if (cached) return cached;
  const result = read(metadata, where);
  if (parsed.size >= CACHE_SIZE) parsed.delete(parsed.keys().next().value!);
  parsed.set(metadata, result);
  return result;
}

function read(text: string, where: string): Readonly<Record<string, unknown>> {
  // UTF-8 takes at least one byte per UTF-16 unit: only long texts need counting.
  const bytes = text.length > METADATA_LIMIT_BYTES / 3 ? Buffer.byteLength(text) : 0;
  if (bytes > METADATA_LIMIT_BYTES) {
    logger.warn(`${where} is ${bytes} bytes, over LiveKit's limit of ${METADATA_LIMIT_BYTES} (512 KiB): treating it as absent (no routing signal, no session metadata).`);
    return EMPTY;
  }
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? Object.freeze(value as Record<string, unknown>) : EMPTY;
  } catch {
    return EMPTY; // not JSON, or nested deeper than the stack allows
  }
}

/** The agent a metadata object asks for: `agent` first, then `demo`. Blank values are no request. */
export function requestedAgent(metadata: Readonly<Record<string, unknown>>): string | undefined {
  for (const key of ['agent', 'demo']) {
    const value = metadata[key];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return undefined;
}
