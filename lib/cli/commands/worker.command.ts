import { setCliDefaults, setCliOverrides } from '../../options/cli-overrides.js';
import { idleProcessesOf } from '../../options/options.defaults.js';
import { createAppContext, nestLogLevels } from '../app-context.factory.js';
import { AppModuleLoader } from '../app-module.loader.js';
import { resolveAppTarget } from '../app-target.js';
import { bootLogLevel, type CliIo } from '../cli.context.js';
import type { CommandName } from '../cli.commands.js';
import { CliError } from '../cli.error.js';
import { settingsFromFlags } from '../cli.settings.js';
import { exitOnShutdownSignals } from '../shutdown.handler.js';
import { WORKER_INDEX_ENV, WORKER_REGISTERED_MESSAGE } from './workers.supervisor.js';

/** `openrtc dev` reports no load limit, as LiveKit's dev mode does, unless a session limit is set somewhere. */
const DEV_SESSION_LIMIT = Number.MAX_SAFE_INTEGER;

/**
 * `start`, `dev` and `connect`: boot the app, register its one worker with LiveKit, serve until
 * SIGINT/SIGTERM. `connect` then asks LiveKit to dispatch a job for one room to this worker.
 */
export async function runWorker(name: Extract<CommandName, 'start' | 'dev' | 'connect'>, flags: Record<string, string | boolean | undefined>, io: CliIo): Promise<void> {
  const target = resolveAppTarget(flags.app as string | undefined);
  const settings = settingsFromFlags(flags);
  const production = name === 'start';
  if (!production) process.env.LIVEKIT_DEV_MODE = '1'; // as LiveKit's dev and connect commands do
  setCliDefaults(production ? undefined : { logLevel: 'debug', maxConcurrentSessions: DEV_SESSION_LIMIT });
  // The CLI starts the worker itself, after it has set up logging; process isolation boots this same file in each child.
  setCliOverrides({ ...settings, autoStart: false, appModule: { path: target.path, exportName: target.exportName } });

  const loader = new AppModuleLoader(target);
  const rootModule = await loader.loadRootModule();
  const { app, pool, options, logger } = await createAppContext(loader, rootModule, nestLogLevels(bootLogLevel(flags['log-level'], production ? 'info' : 'debug')));
  logger.setLogLevels(nestLogLevels(options.logLevel));
  exitOnShutdownSignals(app, (message) => logger.log(message, 'OpenRTC CLI'));

  const missing = [
    ['--url', 'LIVEKIT_URL', options.livekit.url],
    ['--api-key', 'LIVEKIT_API_KEY', options.livekit.apiKey],
    ['--api-secret', 'LIVEKIT_API_SECRET', options.livekit.apiSecret],
  ].filter(([, , value]) => !value);
  if (missing.length > 0) {
    await app.close();
    throw new CliError(
      `LiveKit credentials missing: pass ${missing.map(([flag]) => flag).join(', ')} or set ${missing.map(([, variable]) => variable).join(', ')} ` +
        '(environment, .env through ConfigModule, or OpenRtcModule option livekit).',
      2,
    );
  }

  // pool.start() routes @livekit/agents' and @livekit/rtc-node's logs through the app's Nest logger
  // (one stream, structured fields kept), at options.logLevel: no initializeLogger() (pino on stdout) here.
  try {
    await pool.start();
  } catch (error) {
    await app.close().catch(() => undefined);
    throw new CliError((error as Error)?.message?.split('\n')[0] ?? String(error));
  }
  const names = pool.list().map((agent) => agent.name);
  const limit = options.maxConcurrentSessions === DEV_SESSION_LIMIT ? 'no session limit' : `up to ${options.maxConcurrentSessions} sessions`;
  const warm = options.isolation === 'process' ? ` (${idleProcessesOf(options)} warm children)` : '';
  io.say(
    `${production ? 'worker' : 'dev worker'} registered with ${options.livekit.url}${options.agentName ? ` as '${options.agentName}'` : ''}: ` +
      `${names.length} agent(s) (${names.join(', ')}), ${options.isolation} isolation${warm}, ${limit}.`,
  );

  if (process.env[WORKER_INDEX_ENV] && process.send) {
    // One of `start --workers`: tell the supervisor, and drain if it goes away without a word.
    process.send(WORKER_REGISTERED_MESSAGE);
    process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
    process.channel?.unref();
  }

  if (name === 'connect') {
    const room = flags.room as string;
    const identity = flags['participant-identity'] as string | undefined;
    try {
      await pool.connectToRoom(room, identity);
    } catch (error) {
      await app.close().catch(() => undefined);
      throw new CliError(`Could not connect to room '${room}': ${(error as Error)?.message?.split('\n')[0] ?? error}`);
    }
    io.say(`asked LiveKit to dispatch room '${room}'${identity ? ` (listening to '${identity}')` : ''} to this worker.`);
  }
}
