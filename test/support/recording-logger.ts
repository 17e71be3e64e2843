import type { LoggerService } from '@nestjs/common';

export interface LogEntry {
  level: 'log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal';
  message: string;
  context?: string;
}

/** A Nest logger that keeps what it is told instead of printing it, so specs can assert on logs. */
export class RecordingLogger implements LoggerService {
  readonly entries: LogEntry[] = [];

  log(message: unknown, context?: string): void {
    this.record('log', message, context);
  }
  error(message: unknown, ...rest: unknown[]): void {
    // Nest passes (message, stack?, context?): the context is the last string.
    this.record('error', message, rest.length > 0 ? String(rest[rest.length - 1]) : undefined);
  }
  warn(message: unknown, context?: string): void {
    this.record('warn', message, context);
  }
  debug(message: unknown, context?: string): void {
    this.record('debug', message, context);
  }
  verbose(message: unknown, context?: string): void {
    this.record('verbose', message, context);
  }
  fatal(message: unknown, context?: string): void {
    this.record('fatal', message, context);
  }

  messages(level: LogEntry['level'], context = 'OpenRTC'): string[] {
    return this.entries.filter((e) => e.level === level && e.context === context).map((e) => e.message);
  }

  private record(level: LogEntry['level'], message: unknown, context?: string): void {
    this.entries.push({ level, message: String(message), context });
  }
}
