import type { LoggerService } from '@nestjs/common';

export interface LogEntry {
  level: 'log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal';
  message: string;
  context?: string;
  /** Structured fields passed as a plain object after the message (LiveKit's records carry them). */
  fields?: Record<string, unknown>;
}

/** A Nest logger that keeps what it is told instead of printing it, so specs can assert on logs. */
export class RecordingLogger implements LoggerService {
  readonly entries: LogEntry[] = [];

  log(message: unknown, ...rest: unknown[]): void {
    this.record('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    // Nest passes (message, stack?, context?): the context is the last string.
    this.record('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.record('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.record('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.record('verbose', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.record('fatal', message, rest);
  }

  messages(level: LogEntry['level'], context = 'OpenRTC'): string[] {
    return this.entries.filter((e) => e.level === level && e.context === context).map((e) => e.message);
  }

  private record(level: LogEntry['level'], message: unknown, rest: unknown[]): void {
    const last = rest[rest.length - 1];
    const context = rest.length > 0 && last !== undefined ? String(last) : undefined;
    const fields = rest.find((arg): arg is Record<string, unknown> => arg !== null && typeof arg === 'object' && Object.getPrototypeOf(arg) === Object.prototype);
    this.entries.push({ level, message: String(message), context, ...(fields ? { fields } : {}) });
  }
}
