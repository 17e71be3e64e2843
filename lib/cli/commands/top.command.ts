import { readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { RuntimeSnapshot } from '../../runtime/snapshot.js';
import { TOP_SOCKET_ENV, socketDirectory } from '../../runtime/snapshot.socket.js';
import type { CliIo } from '../cli.context.js';
import { CliError } from '../cli.error.js';
import { renderTop } from '../top.view.js';

type Flags = Record<string, string | boolean | undefined>;

/**
 * `openrtc top`: reads the snapshot a running worker serves on its unix socket and shows it,
 * refreshed until `q` or Ctrl+C; `--once` prints one frame, `--json` the raw snapshot.
 */
export async function runTop(flags: Flags, io: CliIo): Promise<number> {
  const interval = refreshInterval(flags.interval);
  const path = await findSocket(flags);
  if (flags.once || flags.json) {
    const snapshot = await readSnapshot(path);
    io.out(flags.json ? JSON.stringify(snapshot, null, 2) : renderTop(snapshot, Date.now()));
    return 0;
  }
  return live(path, interval);
}

function refreshInterval(raw: unknown): number {
  if (raw === undefined) return 1;
  const value = Number(raw);
  if (typeof raw !== 'string' || !Number.isFinite(value) || value < 0.25 || value > 60) {
    throw new CliError(`Flag --interval must be a number of seconds from 0.25 to 60, got ${JSON.stringify(raw)}.`, 2);
  }
  return value;
}

async function findSocket(flags: Flags): Promise<string> {
  const explicit = (flags.socket as string | undefined) ?? process.env[TOP_SOCKET_ENV]?.trim();
  if (explicit) return explicit;
  let dir: string;
  try {
    dir = socketDirectory();
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.sock'));
  } catch {
    // no directory: no worker ever ran as this user
  }
  if (flags.pid !== undefined) {
    const pid = String(flags.pid).trim();
    if (!/^\d+$/.test(pid)) throw new CliError(`Flag --pid must be a process id, got ${JSON.stringify(flags.pid)}.`, 2);
    const own = names.filter((name) => name === `${pid}.sock` || name.startsWith(`${pid}-`));
    if (own.length === 0) throw new CliError(`No openrtc worker socket for pid ${pid} in ${dir}. Is that process an openrtc worker of this user?`);
    return join(dir, own.sort()[0]!);
  }
  const live: string[] = [];
  for (const name of names) if (await listening(join(dir, name))) live.push(join(dir, name));
  if (live.length === 1) return live[0]!;
  if (live.length === 0) {
    throw new CliError(`No running openrtc worker found in ${dir}. Start one (openrtc start / dev), or pass --socket <path> (or ${TOP_SOCKET_ENV}).`);
  }
  throw new CliError(`${live.length} workers are running; pick one with --pid <pid>: ${live.map((path) => path.slice(dir.length + 1).replace(/\.sock$/, '')).join(', ')}.`, 2);
}

function listening(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** One snapshot from the worker's socket. */
export function readSnapshot(path: string): Promise<RuntimeSnapshot> {
  return new Promise((resolve, reject) => {
    let body = '';
    const socket = connect(path);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (body += chunk));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      reject(new CliError(`No running openrtc worker at ${path} (${error.code ?? error.message}). Is the worker running?`)),
    );
    socket.once('end', () => {
      try {
        resolve(JSON.parse(body) as RuntimeSnapshot);
      } catch {
        reject(new CliError(`The worker at ${path} sent no snapshot.`));
      }
    });
  });
}

/** Redraws every `interval` seconds until q / Ctrl+C (exit 0) or the worker goes away (exit 1). */
async function live(path: string, interval: number): Promise<number> {
  const stdin = process.stdin;
  const out = process.stdout;
  let stop!: (code: number) => void;
  const stopped = new Promise<number>((resolve) => (stop = resolve));
  const onKey = (key: string) => {
    if (key === 'q' || key === 'Q' || key === '\u0003') stop(0);
  };
  if (stdin.isTTY) {
    stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    stdin.on('data', onKey);
    stdin.resume();
  }
  const onSigint = () => stop(0);
  process.once('SIGINT', onSigint);
  out.write('\x1b[?25l'); // hide the cursor while redrawing
  let timer: NodeJS.Timeout | undefined;
  const draw = async () => {
    try {
      const snapshot = await readSnapshot(path);
      out.write(`\x1b[H\x1b[2J${renderTop(snapshot, Date.now())}\n\n  q: quit\n`);
      timer = setTimeout(draw, interval * 1000);
    } catch (error) {
      out.write(`\n${(error as Error).message}\n`);
      stop(1);
    }
  };
  await draw();
  const code = await stopped;
  clearTimeout(timer);
  process.off('SIGINT', onSigint);
  out.write('\x1b[?25h');
  if (stdin.isTTY) {
    stdin.off('data', onKey);
    stdin.setRawMode(false);
    stdin.pause();
  }
  return code;
}
