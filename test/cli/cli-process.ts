import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signalTree } from '../../scripts/process-tree.mjs';

// The CLI specs run the BUILT bin (`npm test` builds first) in real child processes, as a user would.
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = join(ROOT, 'dist/esm/cli/main.js');
export const FIXTURES = join(ROOT, 'test/fixtures/cli-app');
export const APP = 'test/fixtures/cli-app/app.module.mjs';
export const CJS_APP = 'test/fixtures/cli-app/cjs-app.module.cjs';

export function assertBuilt(): void {
  if (!existsSync(CLI)) throw new Error('dist/esm/cli/main.js is missing: run `npm run build` first (`npm test` does).');
}

/** The environment of a user's shell with nothing set: no OpenRTC or LiveKit settings, no jest flags. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) if (name === 'NODE_OPTIONS' || /^(OPENRTC|LIVEKIT|CLI_TEST)_/.test(name)) delete env[name];
  for (const [name, value] of Object.entries(extra)) if (value !== undefined) env[name] = value;
  return env;
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running `openrtc` process: its output so far, waits on it, and signals. */
export class CliProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<Finished>;

  constructor(args: string[], options: { env?: NodeJS.ProcessEnv; nodeArgs?: string[] } = {}) {
    this.child = spawn(process.execPath, [...(options.nodeArgs ?? []), CLI, ...args], {
      cwd: ROOT,
      env: options.env ?? cleanEnv(),
      // Not detached: a session of its own would be a scheduling group of its own, starved on a
      // loaded machine (scripts/process-tree.mjs); killTree() finds what it started through /proc.
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (chunk) => (this.stdout += chunk));
    this.child.stderr!.on('data', (chunk) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => {
      this.child.once('close', (code, signal) => resolve({ code, signal, stdout: this.stdout, stderr: this.stderr }));
    });
  }

  /** Resolves with the first match of `pattern` in stderr (where the CLI's own lines go). */
  waitForStderr(pattern: RegExp, timeoutMs = 90_000): Promise<RegExpMatchArray> {
    return this.waitForOutput('stderr', pattern, timeoutMs);
  }

  /** Resolves with the first match of `pattern` in stdout, read without its colour escapes (pino-pretty colours LiveKit's logs). */
  waitForStdout(pattern: RegExp, timeoutMs = 90_000): Promise<RegExpMatchArray> {
    return this.waitForOutput('stdout', pattern, timeoutMs);
  }

  private async waitForOutput(stream: 'stdout' | 'stderr', pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.exited.then(() => (exited = true));
    for (;;) {
      const text = this[stream].replace(/\x1b\[[0-9;]*m/g, '');
      const match = text.match(pattern);
      if (match) return match;
      if (exited || Date.now() > deadline) {
        throw new Error(`${exited ? 'the CLI exited' : `timed out after ${timeoutMs} ms`} waiting for ${pattern} in ${stream}:\n${text.slice(-3000)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Ends the CLI and everything it started (the inference process, process isolation's children) at once. */
  killTree(): Promise<Finished> {
    signalTree(this.child.pid!, 'SIGKILL');
    return this.exited;
  }
}

/** Runs a command that finishes (list, download-files, help, errors). */
export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; nodeArgs?: string[]; timeoutMs?: number } = {}): Promise<Finished> {
  const run = new CliProcess(args, options);
  const timer = setTimeout(() => void run.killTree(), options.timeoutMs ?? 45_000);
  return run.exited.finally(() => clearTimeout(timer));
}

/** Lines of text, without blank ones. */
export const lines = (text: string): string[] => text.split('\n').filter((line) => line.trim() !== '');
