import { AsyncLocalStorage } from 'node:async_hooks';

/** The call a log line belongs to. @publicApi */
export interface LogContext {
  jobId: string;
  roomName?: string;
  /** Set once the job is routed. */
  agentName?: string;
}

const storage = new AsyncLocalStorage<LogContext>();

/** Runs `fn` so that every log line written by it (and the async work it starts) names this call. */
export function runWithLogContext<T>(context: LogContext, fn: () => T): T {
  return storage.run(context, fn);
}

/**
 * The call whose async work is running now, or undefined outside every session. A custom
 * LoggerService can read it to add the fields its own way.
 * @publicApi
 */
export function currentLogContext(): LogContext | undefined {
  return storage.getStore();
}

/** The fields a structured (JSON) log record gets: only those known so far. */
export function logContextFields(context: LogContext): Record<string, string> {
  const fields: Record<string, string> = { jobId: context.jobId };
  if (context.roomName) fields.roomName = context.roomName;
  if (context.agentName) fields.agentName = context.agentName;
  return fields;
}

/** The short prefix a text log line gets, e.g. `[echo room=call-1 job=AJ_x] `. */
export function logContextPrefix(context: LogContext): string {
  const parts = [context.agentName ?? '(unrouted)'];
  if (context.roomName) parts.push(`room=${context.roomName}`);
  parts.push(`job=${context.jobId}`);
  return `[${parts.join(' ')}] `;
}
