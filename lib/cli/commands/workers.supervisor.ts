import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { createInterface } from 'node:readline';
import type { CliIo } from '../cli.context.js';
import { CliError } from '../cli.error.js';

/** The environment variable a supervised child reads its number from (and knows it is supervised by). */
export const WORKER_INDEX_ENV = 'OPENRTC_WORKER_INDEX';
/** The message a supervised child sends once it is registered with LiveKit. */
export const WORKER_REGISTERED_MESSAGE = 'openrtc:worker-registered';

const EXIT_CODES: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };
const FIRST_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 30_000;
/** A worker that served this long before it died restarts at once (its backoff starts over). */
const STABLE_MS = 60_000;

/**
 * `--workers` / OPENRTC_WORKERS: a positive integer or 'auto' (one per available core). Returns
 * undefined when unset; errors name where the bad value came from.
 */
export function parseWorkerCount(flag: unknown, env: string | undefined): number | undefined {
  const [raw, source] = typeof flag === 'string' ? [flag, 'Flag --workers'] : [env, 'Environment variable OPENRTC_WORKERS'];
  if (raw === undefined || raw.trim() === '') return undefined;
  const text = raw.trim();
  if (text.toLowerCase() === 'auto') return availableParallelism();
  const n = Number(text);
  if (!(Number.isInteger(n) && n >= 1 && /^\d+$/.test(text))) {
    throw new CliError(`${source} must be a positive integer or 'auto' (one worker per available core), got '${raw}'.`, 2);
  }
  return n;
}

interface Slot {
  index: number;
  child?: ChildProcess;
  startedAt: number;
  registered: boolean;
  restarts: number;
  timer?: NodeJS.Timeout;
}

/**
 * Runs `count` workers of the app, each a child process running the normal `openrtc start` (so each
 * registers with LiveKit on its own and LiveKit spreads jobs across them), and supervises them:
 * every line a worker writes is prefixed `[worker <n>]`; a worker that dies is restarted with
 * backoff; SIGINT/SIGTERM is forwarded to all of them (each drains its calls), and once all have
 * exited this process exits 130/143, or 1 if a worker failed while draining.
 */
export function superviseWorkers(count: number, startArgs: string[], io: CliIo): Promise<number> {
  const slots: Slot[] = Array.from({ length: count }, (_, i) => ({ index: i + 1, startedAt: 0, registered: false, restarts: 0 }));
  let stopping: NodeJS.Signals | undefined;
  let failedCode = 0;
  let everRegistered = false;
  let finish!: (code: number) => void;
  const done = new Promise<number>((resolve) => (finish = resolve));

  const env = { ...process.env };
  delete env.OPENRTC_WORKERS;

  const launch = (slot: Slot) => {
    slot.timer = undefined;
    slot.startedAt = Date.now();
    slot.registered = false;
    // Its own process group: a Ctrl+C in the terminal reaches this supervisor only, which forwards it once.
    const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, 'start', ...startArgs], {
      env: { ...env, [WORKER_INDEX_ENV]: String(slot.index) },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      detached: true,
    });
    slot.child = child;
    prefixLines(child.stdout!, process.stdout, slot.index);
    prefixLines(child.stderr!, process.stderr, slot.index);
    child.on('message', (message) => {
      if (message !== WORKER_REGISTERED_MESSAGE) return;
      slot.registered = true;
      everRegistered = true;
    });
    child.once('exit', (code, signal) => exited(slot, code, signal));
  };

  const exited = (slot: Slot, code: number | null, signal: NodeJS.Signals | null) => {
    slot.child = undefined;
    const how = signal ? `signal ${signal}` : `code ${code}`;
    if (stopping) {
      if (code !== null && code !== EXIT_CODES[stopping] && code !== 0) failedCode ||= code;
      if (slots.every((s) => !s.child)) finish(failedCode || EXIT_CODES[stopping]!);
      return;
    }
    // A worker that never came up while none ever did: the app or its settings are wrong, and every restart would fail the same way.
    if (!slot.registered && !everRegistered) {
      io.say(`worker ${slot.index} exited (${how}) before it registered with LiveKit; stopping the other workers (its output above says why).`);
      stopping = 'SIGTERM';
      failedCode = code || 1;
      for (const other of slots) {
        clearTimeout(other.timer);
        other.child?.kill('SIGTERM');
      }
      if (slots.every((s) => !s.child)) finish(failedCode);
      return;
    }
    if (Date.now() - slot.startedAt >= STABLE_MS) slot.restarts = 0;
    const delay = slot.restarts === 0 ? 0 : Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (slot.restarts - 1));
    slot.restarts += 1;
    io.say(`worker ${slot.index} exited (${how}); restarting it${delay ? ` in ${delay / 1000}s` : ''} (restart #${slot.restarts}).`);
    slot.timer = setTimeout(() => launch(slot), delay);
  };

  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      // A second signal: pass it on, the workers force their exit.
      for (const slot of slots) slot.child?.kill(signal);
      return;
    }
    stopping = signal;
    io.say(`${signal} received: draining all ${count} workers, then exiting.`);
    for (const slot of slots) {
      clearTimeout(slot.timer);
      slot.child?.kill(signal);
    }
    if (slots.every((s) => !s.child)) finish(EXIT_CODES[signal]!);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  io.say(`starting ${count} workers (one process each, each registers with LiveKit on its own).`);
  for (const slot of slots) launch(slot);
  return done.finally(() => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  });
}

function prefixLines(from: NodeJS.ReadableStream, to: NodeJS.WritableStream, index: number): void {
  createInterface({ input: from, crlfDelay: Infinity }).on('line', (line) => to.write(`[worker ${index}] ${line}\n`));
}

/** The command line a child gets: the user's, without --workers. */
export function argsWithoutWorkers(argv: string[]): string[] {
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--workers') {
      i += 1;
      continue;
    }
    if (arg.startsWith('--workers=')) continue;
    args.push(arg);
  }
  return args;
}
