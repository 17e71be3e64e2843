import { readFileSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { initializeLogger } from '@livekit/agents';
import { parseWorkerCount } from '../../lib/cli/commands/workers.supervisor.js';
import { DispatchDouble } from '../support/dispatch-double.js';
import { until } from '../support/until.js';
import { APP, CliProcess, assertBuilt, cleanEnv, runCli } from './cli-process.js';

const API_KEY = 'APIworkers';
const API_SECRET = 'workers-secret-0123456789abcdef0123456789abcdef';
const credentials = (url: string, extra: Record<string, string> = {}) => cleanEnv({ LIVEKIT_URL: url, LIVEKIT_API_KEY: API_KEY, LIVEKIT_API_SECRET: API_SECRET, ...extra });

/** The direct children of `pid` (Linux /proc): the supervised workers. */
function childPids(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((task) => readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number));
  } catch {
    return [];
  }
}
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

// `openrtc start --workers <n|auto>`: n child processes of the normal `start`, each registered with
// the worker-protocol double on its own, supervised (restart with backoff), drained together.
describe('openrtc start --workers', () => {
  let double: DispatchDouble;
  let cli: CliProcess | undefined;
  let workers: number[] = [];

  beforeAll(() => {
    assertBuilt();
    initializeLogger({ pretty: false, level: 'fatal' });
  });
  beforeEach(async () => {
    double = await DispatchDouble.start({ apiKey: API_KEY, apiSecret: API_SECRET });
  });
  afterEach(async () => {
    // The workers run in their own process groups: end them, then the supervisor's group.
    for (const pid of workers) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    workers = [];
    await cli?.killTree();
    cli = undefined;
    await double.close();
  });

  it('runs 2 workers that register on their own, restarts one that dies, and drains all on SIGTERM (exit 143)', async () => {
    cli = new CliProcess(['start', '--app', APP, '--workers', '2'], { env: credentials(double.url) });
    await double.waitForRegistration(2, 90_000);
    await cli.waitForStderr(/\[worker 1\] openrtc: worker registered with/, 30_000);
    await cli.waitForStderr(/\[worker 2\] openrtc: worker registered with/, 30_000);
    expect(new Set(double.registrations.map((r) => r.workerId)).size).toBe(2);
    await until(() => childPids(cli!.child.pid!).length === 2, 30_000, 'two worker processes');
    workers = childPids(cli.child.pid!);

    // Both take offers (each its own AgentServer).
    expect((await double.offer({ roomName: 'lobby-1' })).available).toBe(true);

    process.kill(workers[0]!, 'SIGKILL');
    await cli.waitForStderr(/openrtc: worker \d exited \(signal SIGKILL\); restarting it/, 30_000);
    await double.waitForRegistration(3, 90_000);
    await until(() => childPids(cli!.child.pid!).length === 2, 30_000, 'the restarted worker process');
    workers = childPids(cli.child.pid!);
    expect(workers).not.toContain(undefined);

    cli.child.kill('SIGTERM');
    const { code, signal, stdout, stderr } = await cli.exited;
    expect({ code, signal }).toEqual({ code: 143, signal: null });
    expect(stderr).toMatch(/openrtc: SIGTERM received: draining all 2 workers, then exiting\./);
    for (const pid of workers) expect(alive(pid)).toBe(false);
    // Every line says who wrote it: a worker's lines carry its number, the supervisor's are its own.
    const lines = `${stdout}\n${stderr}`.split('\n').filter((line) => line.trim() !== '');
    expect(lines.filter((line) => !/^\[worker [12]\] /.test(line) && !/^openrtc: /.test(line))).toEqual([]);
    expect(stdout).toMatch(/^\[worker 1\] .*SIGTERM received: draining running sessions/m);
    expect(stdout).toMatch(/^\[worker 2\] .*SIGTERM received: draining running sessions/m);
  });

  it("'auto' is one worker per available core", () => {
    expect(parseWorkerCount('auto', undefined)).toBe(availableParallelism());
    expect(parseWorkerCount(undefined, ' AUTO ')).toBe(availableParallelism());
    expect(parseWorkerCount(undefined, '')).toBeUndefined();
    expect(parseWorkerCount('3', '5')).toBe(3); // the flag beats the variable
  });

  it.each<[string, string[], Record<string, string>, RegExp]>([
    ['--workers 0', ['--workers', '0'], {}, /^openrtc: Flag --workers must be a positive integer or 'auto' \(one worker per available core\), got '0'\.$/m],
    ['--workers x', ['--workers', 'x'], {}, /^openrtc: Flag --workers must be a positive integer or 'auto' \(one worker per available core\), got 'x'\.$/m],
    ['--workers 1.5', ['--workers', '1.5'], {}, /^openrtc: Flag --workers must be a positive integer or 'auto' .*got '1\.5'\.$/m],
    ['OPENRTC_WORKERS=-2', [], { OPENRTC_WORKERS: '-2' }, /^openrtc: Environment variable OPENRTC_WORKERS must be a positive integer or 'auto' .*got '-2'\.$/m],
  ])('%s is a usage error (exit 2) naming the value and the fix', async (_name, args, env, message) => {
    const { code, stderr } = await runCli(['start', '--app', APP, ...args], { env: credentials(double.url, env) });
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(double.registrations).toEqual([]);
  });

  it('a worker that cannot start (bad settings) stops the others and the supervisor exits non-zero instead of restarting forever', async () => {
    const { code, stderr } = await runCli(['start', '--app', APP], { env: credentials('ws://127.0.0.1:9', { OPENRTC_WORKERS: '2', LIVEKIT_API_KEY: '' }), timeoutMs: 90_000 });
    expect(code).toBe(2); // the worker's own exit code: a usage problem
    expect(stderr).toMatch(/\[worker \d\] openrtc: LiveKit credentials missing/);
    expect(stderr).toMatch(/openrtc: worker \d exited \(code 2\) before it registered with LiveKit; stopping the other workers/);
  });
});
