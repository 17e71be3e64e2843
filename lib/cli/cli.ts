import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { processIo, type CliIo } from './cli.context.js';
import { CliError } from './cli.error.js';
import { commandHelp, mainHelp } from './cli.help.js';
import { parseCommandLine } from './cli.parser.js';
import { runConsoleCommand } from './commands/console.command.js';
import { runDownloadFiles } from './commands/download-files.command.js';
import { runList } from './commands/list.command.js';
import { runTop } from './commands/top.command.js';
import { runWorker } from './commands/worker.command.js';
import { WORKER_INDEX_ENV, argsWithoutWorkers, parseWorkerCount, superviseWorkers } from './commands/workers.supervisor.js';

/**
 * Runs one `openrtc` command line. Resolves with the exit code for commands that finish (`list`,
 * `download-files`, help, errors) and with `undefined` for those that keep running until a signal
 * (`start`, `dev`, `connect`, `console`).
 */
export async function runCli(argv: string[], io: CliIo = processIo): Promise<number | undefined> {
  try {
    const parsed = parseCommandLine(argv);
    if (parsed.kind === 'version') {
      io.out(packageVersion());
      return 0;
    }
    if (parsed.kind === 'help') {
      io.out(parsed.command ? commandHelp(parsed.command) : mainHelp(packageVersion()));
      return 0;
    }
    const { command, flags } = parsed;
    switch (command.name) {
      case 'list':
        await runList(flags, io);
        return 0;
      case 'top':
        return await runTop(flags, io);
      case 'download-files':
        await runDownloadFiles(flags, io);
        return 0;
      case 'console':
        await runConsoleCommand(flags);
        return undefined;
      case 'start': {
        const workers = process.env[WORKER_INDEX_ENV] ? undefined : parseWorkerCount(flags.workers, process.env.OPENRTC_WORKERS);
        if (workers !== undefined && workers > 1) return await superviseWorkers(workers, argsWithoutWorkers(argv.slice(1)), io);
        await runWorker(command.name, flags, io);
        return undefined;
      }
      default:
        await runWorker(command.name, flags, io);
        return undefined;
    }
  } catch (error) {
    if (error instanceof CliError) {
      io.say(error.message);
      return error.exitCode;
    }
    const err = error as Error;
    io.say(`${err?.name && err.name !== 'Error' ? `${err.name}: ` : ''}${err?.message?.split('\n')[0] ?? String(error)}`);
    if (process.env.OPENRTC_DEBUG) process.stderr.write(`${err?.stack ?? ''}\n`);
    return 1;
  }
}

function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++, dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@openrtc/nestjs') return pkg.version ?? '0.0.0';
    } catch {
      // not at this level
    }
  }
  return '0.0.0';
}
