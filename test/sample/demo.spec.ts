import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// `npm run demo` as a newcomer runs it (built by `npm test` first), with 2 calls per mode to keep it short.
const DEMO = fileURLToPath(new URL('../../dist-sample/sample/demo/demo.js', import.meta.url));

function runDemo(...args: string[]) {
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (/^(OPENRTC|LIVEKIT|RESTAURANT|DENTAL)_/.test(name)) delete env[name];
  const run = spawnSync(process.execPath, [DEMO, ...args], { env, encoding: 'utf8', timeout: 120_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** A row of the demo's side-by-side table: [coroutine, process]. */
function row(stdout: string, label: string): [string, string] {
  const line = stdout.split('\n').find((text) => text.trimStart().startsWith(label));
  if (!line) throw new Error(`no '${label}' row in:\n${stdout}`);
  const cells = line.slice(line.indexOf(label) + label.length).trim().split(/\s{2,}/);
  return [cells[0]!, cells[1]!];
}

describe('the no-server demo', () => {
  it('serves the same calls in both isolation modes, every one answered by its agent, and compares them', () => {
    const { code, stdout, stderr } = runDemo('--sessions', '2');
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain('No LiveKit server, no API keys.');
    expect(stdout).toMatch(/coroutine +2 calls started in [\d.]+ s; 2 answered by their agent after [\d.]+ s/);
    expect(stdout).toMatch(/process +2 calls started in [\d.]+ s; 2 answered by their agent after [\d.]+ s/);
    expect(row(stdout, 'calls answered by their agent')).toEqual(['2/2', '2/2']);
    expect(row(stdout, 'calls ended cleanly')).toEqual(['2/2', '2/2']);
    expect(row(stdout, 'prewarms (VAD + turn detector)')).toEqual(['1', '2']);
    // Coroutine: the worker and the turn detector's inference process. Process: plus a child per call.
    const [coroutineProcesses, processProcesses] = row(stdout, 'processes (worker + children)').map(Number);
    expect(coroutineProcesses).toBe(2);
    expect(processProcesses).toBeGreaterThanOrEqual(4);
    const [coroutineMiB, processMiB] = row(stdout, 'memory, 2 calls live (PSS)').map((cell) => Number.parseInt(cell, 10));
    expect(processMiB).toBeGreaterThan(coroutineMiB!);
    expect(stdout).toMatch(/memory ratio: process isolation uses [\d.]+x the memory of coroutine isolation for 2 calls\./);
    expect(stdout).toContain("coroutine calls booked 1 table(s) and 1 appointment(s) through the agents' tools.");
  }, 180_000);

  it.each([['abc'], ['0'], ['2.5']])('refuses --sessions %s with one line that says what to pass', (value) => {
    const { code, stdout, stderr } = runDemo('--sessions', value);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(`demo: --sessions must be a whole number from 1 to 200, got '${value}'.\n`);
  });
});
