import { ConsoleLogger, Logger, type LoggerService } from '@nestjs/common';
import { currentLogContext, logContextFields, logContextPrefix, type LogContext } from './log-context.js';

const LEVELS = ['log', 'error', 'warn', 'debug', 'verbose', 'fatal'] as const;
const INSTALLED = Symbol.for('@openrtc/nestjs:log-context');

type Method = (this: any, message: unknown, ...params: unknown[]) => unknown; // eslint-disable-line @typescript-eslint/no-explicit-any
type Patchable = Record<string, Method> & { [INSTALLED]?: boolean };

// A Logger call that reaches another Logger (e.g. `app.useLogger(new Logger())`) is marked once.
let marking = false;

/**
 * Makes every call to Nest's `Logger` made inside a session carry the call's `jobId`, `roomName` and
 * `agentName`: the module's, LiveKit's (routed through Logger) and the app's own `new Logger(...)`
 * and `Logger.log(...)` lines, with no change to user code. Nest's Logger is the facade every such
 * call goes through, whatever LoggerService the app set; the fields are added there, before Nest's
 * log buffer, so a buffered line keeps them. A `ConsoleLogger({ json: true })` gets them as fields
 * (its `params`); text logging gets a short prefix on a string message. Another LoggerService
 * gets the fields merged into a fields object the line already passes (LiveKit's records), else the
 * prefix; it can read `currentLogContext()` to do its own. Installed once per process; outside a session,
 * nothing changes.
 */
export function installLogContext(): void {
  const facade = Logger as unknown as Patchable;
  if (facade[INSTALLED]) return;
  facade[INSTALLED] = true;
  const proto = Logger.prototype as unknown as Patchable;
  for (const level of LEVELS) {
    const instanceMethod = proto[level]!;
    proto[level] = function (this: { localInstance?: LoggerService }, message: unknown, ...params: unknown[]) {
      return withContext(() => this.localInstance, false, instanceMethod, this, message, params);
    };
    const staticMethod = facade[level]!;
    facade[level] = function (this: unknown, message: unknown, ...params: unknown[]) {
      return withContext(() => (Logger as unknown as { staticInstanceRef?: LoggerService }).staticInstanceRef, true, staticMethod, this, message, params);
    };
  }
}

function withContext(target: () => LoggerService | undefined, trailingContext: boolean, original: Method, self: unknown, message: unknown, params: unknown[]): unknown {
  const context = marking ? undefined : currentLogContext();
  if (!context) return original.call(self, message, ...params);
  const [nextMessage, nextParams] = decorate(target(), trailingContext, context, message, params);
  marking = true;
  try {
    return original.call(self, nextMessage, ...nextParams);
  } finally {
    marking = false;
  }
}

function decorate(target: LoggerService | undefined, trailingContext: boolean, context: LogContext, message: unknown, params: unknown[]): [unknown, unknown[]] {
  const consoleLogger = target instanceof ConsoleLogger ? (target as unknown as { options?: { json?: boolean; structuredParams?: boolean } }) : undefined;
  const structured = consoleLogger !== undefined && consoleLogger.options?.structuredParams !== false;
  if (structured && (consoleLogger.options?.json || typeof message !== 'string')) {
    // ConsoleLogger merges plain-object params into the record's `params` (JSON) or prints them after the message.
    const fields = logContextFields(context);
    // A static call's last string is its context: the fields go before it.
    const at = trailingContext && typeof params[params.length - 1] === 'string' ? params.length - 1 : params.length;
    return [message, [...params.slice(0, at), fields, ...params.slice(at)]];
  }
  if (!consoleLogger) {
    // Another LoggerService: fields already passed as an object (LiveKit's records) gain the call's;
    // otherwise the message gets the prefix. Never an argument more, which could shift its context.
    const at = params.findIndex(isPlainObject);
    if (at >= 0) return [message, params.map((param, i) => (i === at ? { ...(param as object), ...logContextFields(context) } : param))];
  }
  return [typeof message === 'string' ? logContextPrefix(context) + message : message, params];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype;
}
