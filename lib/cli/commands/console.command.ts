import { setCliDefaults, setCliOverrides } from '../../options/cli-overrides.js';
import { AppModuleLoader } from '../app-module.loader.js';
import { resolveAppTarget } from '../app-target.js';
import { bootLogLevel } from '../cli.context.js';
import { loadWriteProcessEntry } from '../process-entry.twin.js';

/**
 * `openrtc console --connect-addr host:port`: LiveKit's console mode (upstream `runConsole`, reached
 * through its public `cli.runApp`) with OpenRTC's entrypoint. One session runs in this process,
 * its audio on the console broker's TCP socket; routing, per-session DI and the greeting work as in
 * a worker. It ends on SIGINT/SIGTERM.
 */
export async function runConsoleCommand(flags: Record<string, string | boolean | undefined>): Promise<void> {
  const target = resolveAppTarget(flags.app as string | undefined);
  const loader = new AppModuleLoader(target);
  await loader.loadRootModule(); // a wrong path or export fails here, with the CLI's message
  setCliDefaults({ logLevel: 'debug' });
  setCliOverrides({ autoStart: false });
  const writeProcessEntry = await loadWriteProcessEntry(loader);
  const entry = writeProcessEntry({ appModulePath: target.path, exportName: target.exportName });
  process.once('exit', entry.remove);
  const agents = await loader.load<typeof import('@livekit/agents')>('@livekit/agents');
  // runApp reads its command line from process.argv: hand it upstream's own console command.
  process.argv = [
    process.argv[0]!,
    process.argv[1] ?? 'openrtc',
    'console',
    '--connect-addr',
    flags['connect-addr'] as string,
    '--log-level',
    bootLogLevel(flags['log-level'], 'debug'),
    ...(flags.record ? ['--record'] : []),
  ];
  exitAfterConsoleSignals();
  // The one session runs in this process, as coroutine mode's do: a rejection nobody handles (a
  // plugin's, e.g. LiveKit's adaptive interruption when its cloud endpoint is unreachable) is logged,
  // not fatal to the session.
  process.on('unhandledRejection', (reason) => process.stderr.write(`openrtc: unhandled rejection in the console session: ${(reason as Error)?.message ?? reason}\n`));
  agents.cli.runApp(new agents.ServerOptions({ agent: entry.path }));
}

/** How long upstream's console teardown may take after SIGINT/SIGTERM before the process is ended. */
const TEARDOWN_GRACE_MS = 10_000;

/**
 * Upstream's console tears the session down on the first SIGINT/SIGTERM, but only once the session
 * runs, and it never ends the process (timers of a failed provider can keep it alive). So: a signal
 * before the session runs, or a second one, exits at once; otherwise the teardown gets a grace period.
 */
function exitAfterConsoleSignals(): void {
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    const code = signal === 'SIGINT' ? 130 : 143;
    process.exitCode = code;
    const upstreamListens = process.listenerCount(signal) > 1;
    if (signalled || !upstreamListens) process.exit(code);
    signalled = true;
    setTimeout(() => process.exit(code), TEARDOWN_GRACE_MS).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
