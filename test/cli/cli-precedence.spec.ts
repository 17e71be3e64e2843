import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initializeLogger } from '@livekit/agents';
import { DispatchDouble } from '../support/dispatch-double.js';
import { sessionProcesses } from '../support/session-processes.js';
import { APP, CliProcess, assertBuilt, cleanEnv, lines, runCli } from './cli-process.js';

const API_KEY = 'APIprecedence';
const API_SECRET = 'precedence-secret-0123456789abcdef0123456789';
const REGISTERED = /openrtc: worker registered with (\S+?): \d+ agent\(s\) \([^)]*\), (\w+) isolation(?: \((\d+) warm children\))?, up to (\d+) sessions\./;

interface Resolved {
  url: string;
  isolation: string;
  maxSessions: number;
  /** Which double (by url) the worker registered with: the url really used, not just the one printed. */
  registeredAt: string[];
  /** Process isolation: how many warm children the worker says it keeps (0 in coroutine isolation). */
  warmChildren: number;
  /** The children that really run upstream's job process entry (job_proc_lazy_main), counted up to warmChildren. */
  sessionProcesses: number;
}

/**
 * Each setting through every layer, in real `openrtc start` processes: CLI flag > environment
 * variable (process env, or a .env file through ConfigModule) > forRoot() > library default. The
 * fixture app takes its forRoot() options from CLI_TEST_FOR_ROOT, a test-only variable.
 */
describe('openrtc start: settings precedence, flag > environment > forRoot() > default', () => {
  const doubles: Record<'code' | 'env' | 'flag', DispatchDouble> = {} as never;
  let dir: string;

  beforeAll(async () => {
    assertBuilt();
    initializeLogger({ pretty: false, level: 'fatal' });
    for (const layer of ['code', 'env', 'flag'] as const) doubles[layer] = await DispatchDouble.start({ apiKey: API_KEY, apiSecret: API_SECRET });
    dir = mkdtempSync(join(tmpdir(), 'openrtc-precedence-'));
  });
  afterAll(async () => {
    for (const double of Object.values(doubles)) await double.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Starts the CLI, reads what it resolved and where it registered, then ends it and its children. */
  async function start(args: string[], env: Record<string, string | undefined>): Promise<Resolved> {
    const before = Object.fromEntries(Object.entries(doubles).map(([layer, double]) => [layer, double.registrations.length]));
    const cli = new CliProcess(['start', '--app', APP, ...args], { env: cleanEnv({ LIVEKIT_API_KEY: API_KEY, LIVEKIT_API_SECRET: API_SECRET, ...env }) });
    try {
      const [, url, isolation, warm, maxSessions] = await cli.waitForStderr(REGISTERED);
      const registeredAt = Object.entries(doubles).filter(([layer, double]) => double.registrations.length > before[layer]!).map(([layer]) => layer);
      const warmChildren = Number(warm ?? 0);
      // Coroutine isolation: none may appear. Process isolation: wait for as many as the worker says.
      // Warm children boot one per CPU at a time, each ~2 CPU-s of imports: on 2 cores shared with
      // other suites three can take well over 20 s, so the wait is long (it ends once all are up).
      const sessionProcesses = await sessionProcessCount(cli.child.pid!, Math.max(warmChildren, 1), isolation === 'process' ? 60_000 : 1_500);
      if (sessionProcesses < warmChildren) {
        // Say why in the failure: the worker's log holds any boot failure (processBootTimeout) or crash.
        throw new Error(`${sessionProcesses} of ${warmChildren} warm children running after 60 s; worker output:\n${(cli.stderr + cli.stdout).slice(-4000)}`);
      }
      return { url: url!, isolation: isolation!, maxSessions: Number(maxSessions), registeredAt, warmChildren, sessionProcesses };
    } finally {
      await cli.killTree();
    }
  }

  // A generous boot timeout: on a loaded CI machine upstream would otherwise kill slow children and start over.
  const forRoot = () => JSON.stringify({ isolation: 'process', maxConcurrentSessions: 7, idleProcesses: 1, processBootTimeout: 60, livekit: { url: doubles.code.url } });
  const environment = () => ({ OPENRTC_ISOLATION: 'coroutine', OPENRTC_MAX_CONCURRENT_SESSIONS: '9', LIVEKIT_URL: doubles.env.url });

  it('default: coroutine isolation, 50 sessions (and no url: the CLI asks for one)', async () => {
    const resolved = await start(['--url', doubles.flag.url], {});
    expect(resolved).toEqual({ url: doubles.flag.url, isolation: 'coroutine', maxSessions: 50, registeredAt: ['flag'], warmChildren: 0, sessionProcesses: 0 });
    const { code, stderr } = await runCli(['start', '--app', APP], { env: cleanEnv({ LIVEKIT_API_KEY: API_KEY, LIVEKIT_API_SECRET: API_SECRET }) });
    expect(code).toBe(2);
    expect(lines(stderr)).toEqual([
      'openrtc: LiveKit credentials missing: pass --url or set LIVEKIT_URL (environment, .env through ConfigModule, or OpenRtcModule option livekit).',
    ]);
  });

  it('forRoot() beats the defaults', async () => {
    const resolved = await start([], { CLI_TEST_FOR_ROOT: forRoot() });
    // idleProcesses 1 in forRoot(), against the default of min(CPUs, 4).
    expect(resolved).toEqual({ url: doubles.code.url, isolation: 'process', maxSessions: 7, registeredAt: ['code'], warmChildren: 1, sessionProcesses: 1 });
  }, 120_000);

  it('environment variables beat forRoot()', async () => {
    const resolved = await start([], { CLI_TEST_FOR_ROOT: forRoot(), ...environment() });
    expect(resolved).toEqual({ url: doubles.env.url, isolation: 'coroutine', maxSessions: 9, registeredAt: ['env'], warmChildren: 0, sessionProcesses: 0 });
  });

  it('OPENRTC_IDLE_PROCESSES beats forRoot(): the worker really keeps that many children warm', async () => {
    const resolved = await start([], { CLI_TEST_FOR_ROOT: forRoot(), OPENRTC_IDLE_PROCESSES: '3' });
    expect(resolved).toEqual({ url: doubles.code.url, isolation: 'process', maxSessions: 7, registeredAt: ['code'], warmChildren: 3, sessionProcesses: 3 });
  }, 120_000);

  it('a .env file read through ConfigModule beats forRoot() too', async () => {
    const envFile = join(dir, 'worker.env');
    writeFileSync(envFile, `OPENRTC_ISOLATION=coroutine\nOPENRTC_MAX_CONCURRENT_SESSIONS=11\nLIVEKIT_URL=${doubles.env.url}\n`);
    const resolved = await start([], { CLI_TEST_FOR_ROOT: forRoot(), CLI_TEST_ENV_FILE: envFile });
    expect(resolved).toEqual({ url: doubles.env.url, isolation: 'coroutine', maxSessions: 11, registeredAt: ['env'], warmChildren: 0, sessionProcesses: 0 });
  });

  it('CLI flags beat environment variables', async () => {
    const flags = ['--isolation', 'process', '--max-concurrent-sessions', '12', '--idle-processes', '3', '--url', doubles.flag.url];
    const resolved = await start(flags, { CLI_TEST_FOR_ROOT: forRoot(), ...environment(), OPENRTC_IDLE_PROCESSES: '2' });
    expect(resolved).toEqual({ url: doubles.flag.url, isolation: 'process', maxSessions: 12, registeredAt: ['flag'], warmChildren: 3, sessionProcesses: 3 });
  }, 120_000);
});

/** How many children of `pid` run upstream's job process entry, polled until there are `atLeast` or `waitMs` passed. */
async function sessionProcessCount(pid: number, atLeast: number, waitMs: number): Promise<number> {
  const deadline = Date.now() + waitMs;
  let count: number;
  do {
    count = sessionProcesses(pid).length;
    if (count >= atLeast) return count;
    await new Promise((resolve) => setTimeout(resolve, 100));
  } while (Date.now() < deadline);
  return count;
}
