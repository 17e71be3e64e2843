import { Logger } from '@nestjs/common';

const agentsLogger = new Logger('LiveKit');
const rtcLogger = new Logger('LiveKitRTC');
// pino's record fields that the Nest entry already carries (or that say nothing here).
const HIDDEN = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'v', 'name']);
// LiveKit marks caller speech and other personal data (transcripts, tool arguments) with this prefix.
const PERSONAL = 'lk.pii.';
const DEBUG_LEVELS = new Set(['trace', 'debug']);

type NestLevel = 'error' | 'warn' | 'log' | 'debug' | 'verbose';

/**
 * Writes one LiveKit log record (pino JSON, from @livekit/agents or @livekit/rtc-node) through
 * Nest's Logger at the matching level. Its fields stay an object: Nest's ConsoleLogger prints them
 * after the message (or as JSON fields with `json: true`), and a custom logger receives them as the
 * second argument. Personal data (`lk.pii.*` fields) never leaves at info or above: the entry goes
 * out without it, and only when LiveKit's level is debug or trace does a debug entry repeat it.
 */
export function writeLiveKitRecord(record: Record<string, unknown>, routing: { level: string } = { level: 'info' }): void {
  const logger = record.name === 'lk-rtc' ? rtcLogger : agentsLogger;
  const message = String(record.msg ?? '');
  const fields: Record<string, unknown> = {};
  const personal: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (HIDDEN.has(key)) continue;
    if (key.startsWith(PERSONAL)) personal[key] = value;
    else fields[key] = value;
  }
  const level = nestLevel(Number(record.level));
  const hasPersonal = Object.keys(personal).length > 0;
  if (!hasPersonal || level === 'debug' || level === 'verbose') {
    // A debug record reaches here only when LiveKit's level lets debug through.
    if (hasPersonal && !DEBUG_LEVELS.has(routing.level)) return;
    write(logger, level, message, { ...fields, ...personal });
    return;
  }
  write(logger, level, message, fields);
  if (DEBUG_LEVELS.has(routing.level)) write(logger, 'debug', message, { ...fields, ...personal });
}

function nestLevel(level: number): NestLevel {
  if (level >= 50) return 'error';
  if (level >= 40) return 'warn';
  if (level >= 30) return 'log';
  if (level >= 20) return 'debug';
  return 'verbose';
}

function write(logger: Logger, level: NestLevel, message: string, fields: Record<string, unknown>): void {
  if (Object.keys(fields).length === 0) logger[level](message);
  else logger[level](message, fields);
}
