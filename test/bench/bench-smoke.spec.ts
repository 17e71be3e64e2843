import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Runs every benchmark at a token size (`--tiny`) on the built package (`npm test` builds first)
// and checks only that the output is well-formed. Benchmarks print numbers; nothing here judges them.
const RUN = fileURLToPath(new URL('../../bench/run.mjs', import.meta.url));

function runBench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // Jest's --experimental-vm-modules is no business of the benchmark processes.
    const child = spawn(process.execPath, [RUN, ...args], { env: { ...process.env, NODE_OPTIONS: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const finite = (value: unknown) => typeof value === 'number' && Number.isFinite(value);

describe('benchmarks (smoke: tiny N, output shape only)', () => {
  const out = mkdtempSync(join(tmpdir(), 'openrtc-bench-smoke-'));
  let run: { code: number | null; stdout: string; stderr: string };
  let report: any;

  beforeAll(async () => {
    run = await runBench(['all', '--tiny', '--out', out]);
    const json = readdirSync(out).find((file) => file.endsWith('.json'));
    report = json ? JSON.parse(readFileSync(join(out, json), 'utf8')) : undefined;
  }, 300_000);

  it('exits 0 and writes one JSON report and one SVG per sweep, named <date>-<host>', () => {
    expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });
    const files = readdirSync(out).sort();
    expect(files).toHaveLength(3);
    expect(files.every((file) => /^\d{4}-\d{2}-\d{2}-.+(\.json|-density\.svg|-throughput\.svg)$/.test(file))).toBe(true);
    expect(report).toMatchObject({ schema: 1, tiny: true, defaultVad: expect.stringMatching(/^(silero|native)$/) });
    expect(report.machine).toMatchObject({ cores: expect.any(Number), node: process.version });
    expect(report.charts.sort()).toEqual(files.filter((file) => file.endsWith('.svg')));
  });

  it('draws each SVG by hand with real numbers in it', () => {
    for (const file of report.charts as string[]) {
      const svg = readFileSync(join(out, file), 'utf8');
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
      expect(svg).toContain('<polyline');
      expect(svg).not.toMatch(/NaN|undefined|Infinity/);
    }
  });

  it('density: PSS and RSS totals at 0 and N sessions, both isolation modes', () => {
    for (const mode of ['coroutine', 'process']) {
      const { points } = report.suites.density[mode];
      expect(points.map((p: any) => p.sessions)).toEqual([0, 1]);
      for (const p of points) expect([p.pssMiB, p.rssMiB, p.processes].every(finite)).toBe(true);
      expect([points[1].perSessionPssMiB, points[1].perSessionPssAnonMiB].every(finite)).toBe(true);
    }
  });

  it('throughput: a sweep point per VAD, the VAD floor and the module-overhead pair', () => {
    const { sweep, floor, overhead } = report.suites.throughput;
    for (const vad of ['silero', 'native']) {
      const [point] = sweep[vad];
      expect(point).toMatchObject({ sessions: 2, entered: 2 });
      expect([point.loopDelayMs.p99, point.cpuPercent, point.rssMiB, point.vadLagMs.p99, point.framesLate].every(finite)).toBe(true);
      expect(point.vadWindows).toBeGreaterThan(0);
      expect([floor[vad].cpuMsPerWindow, floor[vad].session.cpuMsPerSessionSecond, floor[vad].session.vadShare].every(finite)).toBe(true);
    }
    expect(overhead.bare).toMatchObject({ impl: 'bare', sessions: 2 });
    expect(overhead.module).toMatchObject({ impl: 'module', sessions: 2 });
  });

  it('latency: launchJob -> onEnter for one session and a burst, both isolation modes', () => {
    for (const mode of ['coroutine', 'process']) {
      const { single, burst } = report.suites.latency[mode];
      expect(single.n).toBe(1);
      expect(burst.n).toBe(2);
      expect([single.p50Ms, burst.p50Ms, burst.maxMs].every(finite)).toBe(true);
    }
  });

  it('prints a Markdown table per measurement on stdout', () => {
    for (const heading of ['### Throughput', "### The VAD's floor", '### Module overhead', '### Start latency', '### Density']) {
      expect(run.stdout).toContain(heading);
    }
    expect(run.stdout).toMatch(/^\|-+\|/m);
  });

  it('names the benchmarks when asked for an unknown one', async () => {
    const bogus = await runBench(['bogus', '--out', out]);
    expect(bogus.code).toBe(1);
    expect(bogus.stderr).toContain("Unknown benchmark 'bogus'. Use: npm run bench -- [all|throughput|latency|density|live]");
  });

  it('throughput feeds the room format by default, and says so', () => {
    expect(report.suites.throughput.format).toEqual({ name: 'room', sampleRate: 24000, frameMs: 10 });
    expect(run.stdout).toContain('room: 24 kHz, 10 ms frames');
  });
});

// The live bench (real calls through a local livekit-server) at its token size: one call, coroutine.
// Without a server binary it must say it skipped, in its table and its JSON.
describe('live benchmark (smoke: one real call, output shape only)', () => {
  const out = mkdtempSync(join(tmpdir(), 'openrtc-bench-live-smoke-'));
  let run: { code: number | null; stdout: string; stderr: string };
  let report: any;

  beforeAll(async () => {
    run = await runBench(['live', '--tiny', '--out', out]);
    const json = readdirSync(out).find((file) => file.endsWith('-live.json'));
    report = json ? JSON.parse(readFileSync(join(out, json), 'utf8')) : undefined;
  }, 180_000);

  it('writes <date>-<host>-live.json with one measured call (or a clear skip line)', () => {
    expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });
    const live = report.suites.live;
    if (live.skipped) {
      expect(live.skipped).toMatch(/^SKIPPED: the live benchmark needs a livekit-server: /);
      expect(run.stdout).toContain(live.skipped);
      return;
    }
    const [point] = live.points;
    expect(point).toMatchObject({ variant: 'coroutine', isolation: 'coroutine', calls: 1, ok: true, callsFailed: 0, roomAudio: { sampleRate: 24000, frameSizeMs: 10 } });
    expect([point.cpuMsPerCallSecond, point.treeCpuPercent, point.pssPerCallMiB, point.replyMs.p50, point.replyMs.p99, point.loopDelayMs.p99, point.eventLoopUtilization].every(finite)).toBe(true);
    expect(point.loadAverage).toHaveLength(3);
    expect(run.stdout).toContain('### Live calls through a local livekit-server');
  });

  it('refuses an unknown live variant, naming the known ones', async () => {
    const bogus = await runBench(['live', '--variants', 'thread', '--out', out]);
    expect(bogus.code).toBe(1);
    expect(bogus.stderr).toContain("--variants takes a comma-separated list of coroutine, coroutine-16k-20ms, coroutine-profile, coroutine-16k-40ms, process, process-16k-40ms, coroutine-node24, coroutine-16k-40ms-node24, coroutine-2-workers, coroutine-16k-40ms-2-workers, admission, listener, listener-16k-40ms, python-listener; got 'thread'.");
  });

  it.each([
    [['--calls', '0,5'], "--calls takes a comma-separated list of positive integers (calls per point), e.g. 1,5,10,20; got '0,5'."],
    [['--calls', 'ten'], "--calls takes a comma-separated list of positive integers (calls per point), e.g. 1,5,10,20; got 'ten'."],
    [['--node', '22'], "--node takes 24 (the simulated benchmarks' workers run on Node 24 LTS; without it, on this Node); got '22'."],
    [['--node', '24'], '--node applies to the simulated benchmarks; the live benchmark runs Node 24 as variants: --variants coroutine-node24,coroutine-16k-40ms-node24'],
  ])('refuses live %p, naming the flag, the value and what it takes', async (flags, message) => {
    const bogus = await runBench(['live', ...flags, '--out', out]);
    expect(bogus.code).toBe(1);
    expect(bogus.stderr).toContain(message);
  });
});
