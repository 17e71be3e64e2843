import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const WORKER = fileURLToPath(new URL('../fixtures/timer-throw-worker.mjs', import.meta.url));

/** Runs the fixture's scenario to its end; a guard kills it if it hangs (the test then fails). */
async function run(scenario: string): Promise<{ records: Array<Record<string, unknown>>; code: number | null; signal: string | null }> {
  const child = spawn(process.execPath, [WORKER, scenario], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const guard = setTimeout(() => child.kill('SIGKILL'), 90_000);
  const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
  clearTimeout(guard);
  expect(signal).not.toBe('SIGKILL'); // it ended by itself, not by our guard
  return { records: output.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line)), code, signal };
}

// Real node processes: jest gives tests a copy of `process` whose 'uncaughtException' listeners never fire.
describe('coroutine isolation: an uncaught exception', () => {
  it("thrown by a session's timer ends that session FAILED, logged with job, agent and stack; its siblings and the worker go on", async () => {
    const { records, code } = await run('in-session');
    expect(records).toEqual([{
      thrower: { status: 'failed', reason: 'uncaught exception', error: 'timer exploded' },
      activeAfterThrow: 2,
      others: ['success', 'success', 'success'],
      logged: { agent: true, stack: true },
    }]);
    expect(code).toBe(0);
  }, 100_000);

  it.each(['outside-throw', 'outside-rejection'])('%s: outside every session, the worker drains (live calls go on, no new ones), then exits non-zero', async (scenario) => {
    const { records, code, signal } = await run(scenario);
    expect(records[0]).toEqual({ draining: true, active: 2, refused: 'The worker is draining; it takes no new sessions.', logged: true });
    // Both calls ended because their callers hung up, after the fault: the drain did not cut them off.
    expect(records.slice(1).map((r) => [r.status, r.reason])).toEqual([['success', 'caller hung up'], ['success', 'caller hung up']]);
    expect(code === 0 && signal === null).toBe(false);
  }, 100_000);
});
