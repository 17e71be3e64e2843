import { Logger } from '@nestjs/common';

const logger = new Logger('LiveKit');
// pino's record fields that the Nest line already carries (or that say nothing here).
const HIDDEN = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'v']);

/** Writes one @livekit/agents log record (pino JSON) through Nest's Logger, at the matching level. */
export function writeLiveKitRecord(record: Record<string, unknown>): void {
  const extra = Object.fromEntries(Object.entries(record).filter(([key]) => !HIDDEN.has(key)));
  const text = `${record.msg ?? ''}${Object.keys(extra).length > 0 ? ` ${JSON.stringify(extra)}` : ''}`;
  const level = Number(record.level);
  if (level >= 50) logger.error(text);
  else if (level >= 40) logger.warn(text);
  else if (level >= 30) logger.log(text);
  else if (level >= 20) logger.debug(text);
  else logger.verbose(text);
}
