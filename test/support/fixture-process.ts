import { spawn } from 'node:child_process';

export interface FixtureExit {
  /** What the process wrote to stdout (and to stderr, with `stderr: 'merge'`). */
  output: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Runs a fixture script in a node process of its own (jest's `process` is a copy, and its handles
 * would hide the worker's) until it exits by itself; a guard kills it after `guardMs`, which the
 * caller sees as signal 'SIGKILL'. stderr is inherited (shown in jest's output) unless merged.
 */
export async function runFixture(script: string, { guardMs, stderr = 'inherit' }: { guardMs: number; stderr?: 'inherit' | 'merge' }): Promise<FixtureExit> {
  const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', stderr === 'merge' ? 'pipe' : 'inherit'] });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const guard = setTimeout(() => child.kill('SIGKILL'), guardMs);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
  clearTimeout(guard);
  return { output, code, signal };
}
