import type { LogLevel } from '../options/openrtc-options.interface.js';

/** Where a command writes: the CLI's own lines go to stderr (stdout stays for data such as `list --json`). */
export interface CliIo {
  out(text: string): void;
  say(message: string): void;
}

export const processIo: CliIo = {
  out: (text) => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  say: (message) => void process.stderr.write(`openrtc: ${message}\n`),
};

const LEVELS: LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

/** The log level before the app has resolved its options: the flag, else LIVEKIT_LOG_LEVEL, else the command's default. */
export function bootLogLevel(flag: unknown, fallback: LogLevel): LogLevel {
  const candidates = [flag, process.env.LIVEKIT_LOG_LEVEL?.trim()];
  return (candidates.find((value) => LEVELS.includes(value as LogLevel)) as LogLevel | undefined) ?? fallback;
}
