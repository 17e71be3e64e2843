import type { INestApplicationContext, LoggerService, LogLevel as NestLogLevel } from '@nestjs/common';
import { OPENRTC_POOL, OPENRTC_RESOLVED_OPTIONS } from '../openrtc.constants.js';
import type { LogLevel, ResolvedOpenRtcOptions } from '../options/openrtc-options.interface.js';
import type { AgentPool } from '../runtime/agent-pool.js';
import type { AppModuleLoader } from './app-module.loader.js';
import { CliError } from './cli.error.js';

const NEST_LEVELS: NestLogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
const FROM_LIVEKIT: Record<LogLevel, NestLogLevel> = { fatal: 'fatal', error: 'error', warn: 'warn', info: 'log', debug: 'debug', trace: 'verbose' };

/** Nest's log levels for a LiveKit level: `info` shows Nest's `log`, `trace` everything. */
export function nestLogLevels(level: LogLevel): NestLogLevel[] {
  return NEST_LEVELS.slice(0, NEST_LEVELS.indexOf(FROM_LIVEKIT[level] ?? 'log') + 1);
}

export interface BootedApp {
  app: INestApplicationContext;
  pool: AgentPool;
  options: ResolvedOpenRtcOptions;
  logger: LoggerService & { setLogLevels(levels: NestLogLevel[]): void };
}

/**
 * Boots the app as a Nest application context (no HTTP listener) with the app's own @nestjs/core.
 * A startup error becomes one line: Nest's own multi-line report of it is left out.
 */
export async function createAppContext(loader: AppModuleLoader, rootModule: Function, levels: NestLogLevel[], { stderrOnly = false } = {}): Promise<BootedApp> {
  const { NestFactory } = await loader.load<typeof import('@nestjs/core')>('@nestjs/core');
  const { ConsoleLogger } = await loader.load<typeof import('@nestjs/common')>('@nestjs/common');
  // Commands whose stdout is data (`list --json`) keep every log line on stderr.
  class StderrLogger extends ConsoleLogger {
    protected override printMessages(messages: unknown[], context?: string, logLevel?: NestLogLevel, _stream?: 'stdout' | 'stderr', ...rest: unknown[]): void {
      (super.printMessages as (...args: unknown[]) => void).call(this, messages, context, logLevel, 'stderr', ...rest);
    }
  }
  const logger = quietStartupErrors(new (stderrOnly ? StderrLogger : ConsoleLogger)('', { logLevels: levels }));
  let app: INestApplicationContext;
  try {
    app = await NestFactory.createApplicationContext(rootModule as Parameters<typeof NestFactory.createApplicationContext>[0], { logger, abortOnError: false });
  } catch (error) {
    throw new CliError(startupMessage(error, loader.target.display));
  }
  let pool: AgentPool;
  try {
    pool = app.get<AgentPool>(OPENRTC_POOL);
  } catch {
    await app.close().catch(() => undefined);
    throw new CliError(`${loader.target.display} does not import OpenRtcModule (or an @openrtc/nestjs without the CLI's pool token): add OpenRtcModule.forRoot() to its imports.`);
  }
  const options = app.get<ResolvedOpenRtcOptions>(OPENRTC_RESOLVED_OPTIONS);
  return { app, pool, options, logger };
}

/** Nest logs a failed bootstrap through its ExceptionHandler (a stack per error); the CLI prints one line instead. */
function quietStartupErrors(inner: InstanceType<typeof import('@nestjs/common').ConsoleLogger>): BootedApp['logger'] {
  return {
    log: (message: unknown, ...rest: unknown[]) => inner.log(message, ...rest),
    warn: (message: unknown, ...rest: unknown[]) => inner.warn(message, ...rest),
    debug: (message: unknown, ...rest: unknown[]) => inner.debug(message, ...rest),
    verbose: (message: unknown, ...rest: unknown[]) => inner.verbose(message, ...rest),
    fatal: (message: unknown, ...rest: unknown[]) => inner.fatal(message, ...rest),
    error: (message: unknown, ...rest: unknown[]) => {
      if (rest.at(-1) === 'ExceptionHandler') return;
      inner.error(message, ...rest);
    },
    setLogLevels: (levels: NestLogLevel[]) => inner.setLogLevels(levels),
  };
}

function startupMessage(error: unknown, app: string): string {
  const err = error as Error;
  const message = (err?.message ?? String(error)).split('\n')[0]!.trim();
  // OpenRTC's own errors already say what to fix; anything else is named by the app it came from.
  if (/^(OpenRtcConfigError|OpenRtcSetupError|AgentRoutingError)$/.test(err?.name ?? '')) return message;
  return `${app} failed to start: ${err?.name && err.name !== 'Error' ? `${err.name}: ` : ''}${message}`;
}
