// Live suite: N real calls through a local livekit-server (scripts/livekit-server.mjs), each caller
// a real WebRTC participant in its own process (scripts/live-caller.mjs) that hears the greeting,
// speaks a recording and listens for the answer. The worker is the sample app (scripted STT, LLM and
// TTS) started by the `openrtc` CLI, with bench/live/loop-probe.mjs preloaded. Per point:
//   CPU of the worker's process tree (the worker and its children, from /proc: not the server, not
//   the callers) per call-second, net of the same worker's idle rate measured just before;
//   PSS per call (tree PSS with every call live, less the idle tree); reply latency (end of the
//   caller's speech -> first agent audio, from the caller's own events); the worker's loop delay
//   and event-loop utilization over the window.
// Variants run interleaved per N (order reversed every other N), each in a fresh worker.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { profileShares } from '../live/profile-share.mjs';
import { processTree, treeMemory } from '../lib/proc-memory.mjs';
import { round, sleep } from '../lib/stats.mjs';
import { markdownTable } from '../lib/table.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = join(ROOT, 'dist/esm/cli/main.js');
const APP = join(ROOT, 'dist-sample/sample/src/app.module.js');
const PROBE = join(ROOT, 'bench/live/loop-probe.mjs');
const LISTENER_APP = join(ROOT, 'bench/live/listener-app.module.mjs');
const PYTHON_WORKER = join(ROOT, 'bench/python/openrtc_listener.py');
/** The venv of the Python reference (git-ignored): OPENRTC_BENCH_PYTHON, else .cache/py. */
const PYTHON = process.env.OPENRTC_BENCH_PYTHON ?? join(ROOT, '.cache/py/bin/python');
const SCRIPTED = Object.fromEntries(['RESTAURANT', 'DENTAL'].flatMap((agent) => ['STT', 'LLM', 'TTS'].map((model) => [`${agent}_${model}`, 'scripted'])));
const AGENTS = ['restaurant', 'dental'];
const TICKS = 100; // USER_HZ

/** Upstream's room input (24 kHz, 10 ms frames) unless a variant says otherwise. */
export const LIVE_VARIANTS = {
  coroutine: { isolation: 'coroutine', label: 'coroutine, room input 24 kHz / 10 ms (upstream default)' },
  'coroutine-16k-20ms': { isolation: 'coroutine', roomAudio: { sampleRate: 16000, frameSizeMs: 20 }, label: 'coroutine, room input 16 kHz / 20 ms' },
  // The coroutine point under node --cpu-prof, for the FFI fan-out's share (issue #12 item 4).
  'coroutine-profile': { isolation: 'coroutine', profile: true, label: 'coroutine, 24 kHz / 10 ms, under --cpu-prof (fan-out share)' },
  'coroutine-16k-40ms': { isolation: 'coroutine', roomAudio: { sampleRate: 16000, frameSizeMs: 40 }, label: 'coroutine, room input 16 kHz / 40 ms' },
  process: { isolation: 'process', label: 'process, room input 24 kHz / 10 ms (upstream default)' },
  // Side by side with the Python OpenRTC (issue #12 item 7): listen-only agents (VAD only) on both.
  listener: { isolation: 'coroutine', listenOnly: true, app: LISTENER_APP, label: 'listen-only agent (VAD), @openrtc/nestjs coroutine' },
  'python-listener': { isolation: 'coroutine', listenOnly: true, python: true, label: 'listen-only agent (VAD), Python openrtc coroutine' },
};
// After the sweep (default variants only): the fan-out profile and the Python side by side, at the largest N.
const FULL = {
  calls: [1, 5, 10, 20],
  variants: ['coroutine', 'coroutine-16k-40ms', 'process'],
  extra: [['coroutine-profile', 20], ['python-listener', 20], ['listener', 20]],
  idleWindowMs: 3000,
  stepTimeoutMs: 90_000,
};
const TINY = { calls: [1], variants: ['coroutine'], idleWindowMs: 1000, stepTimeoutMs: 60_000 };

function treeCpuSeconds(pid) {
  let total = 0;
  for (const p of processTree(pid)) {
    try {
      const text = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / TICKS;
    } catch {
      // exited while we looked
    }
  }
  return total;
}

const percentile = (values, p) => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

async function startWorker(server, variant, calls, probeFile, profileDir) {
  const env = {
    ...process.env,
    ...SCRIPTED,
    NODE_OPTIONS: '',
    NODE_ENV: 'production',
    LIVEKIT_URL: server.url,
    LIVEKIT_API_KEY: server.apiKey,
    LIVEKIT_API_SECRET: server.apiSecret,
    LIVEKIT_LOG_LEVEL: 'error',
    OPENRTC_ISOLATION: variant.isolation,
    OPENRTC_MAX_CONCURRENT_SESSIONS: String(Math.max(50, calls)),
    // Process isolation: upstream's default warm children on this machine (min(CPUs, 4)).
    OPENRTC_IDLE_PROCESSES: String(Math.min(os.availableParallelism(), 4)),
    OPENRTC_BENCH_PROBE_FILE: probeFile ?? '',
    // The Python worker's health server: any free port (its default is 8081).
    OPENRTC_PORT: '0',
  };
  delete env.OPENRTC_AGENT_NAME; // automatic dispatch: rooms are routed by their name
  for (const name of ['OPENRTC_ROOM_SAMPLE_RATE', 'OPENRTC_ROOM_FRAME_MS']) delete env[name];
  if (variant.roomAudio?.sampleRate) env.OPENRTC_ROOM_SAMPLE_RATE = String(variant.roomAudio.sampleRate);
  if (variant.roomAudio?.frameSizeMs) env.OPENRTC_ROOM_FRAME_MS = String(variant.roomAudio.frameSizeMs);
  if (variant.python) delete env.LIVEKIT_LOG_LEVEL; // its CLI reads it too, and 'error' hides the 'registered worker' line
  const [command, args] = variant.python ? [PYTHON, [PYTHON_WORKER, 'start']] : [process.execPath, [...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []), '--import', PROBE, CLI, 'start', '--app', variant.app ?? APP]];
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  const keep = (chunk) => (output = (output + chunk).slice(-8000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }, 15_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 120_000;
  while (!/registered with|registered worker/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`the worker did not register:\n${output.slice(-2000)}`);
    }
    await sleep(100);
  }
  return { pid: child.pid, stop, output: () => output };
}

async function probe(pid, file, state, timeoutMs = 10_000) {
  if (!file) return {};
  process.kill(pid, 'SIGUSR2');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const read = JSON.parse(readFileSync(file, 'utf8'));
      if (read.state === state) return read;
    } catch {
      // not written yet
    }
    await sleep(50);
  }
  throw new Error(`the worker's loop probe did not answer (${state})`);
}

/** One call up to its answer: the greeting heard, the recording spoken, the answer heard. */
async function greeted(caller, timeoutMs) {
  const greeting = await caller.waitFor('agent-audio', undefined, timeoutMs);
  await caller.waitFor('agent-audio-end', (e) => e.at > greeting.at, timeoutMs);
}

async function answered(caller, timeoutMs) {
  const { endedAt } = await caller.speak(timeoutMs);
  const heard = await caller.waitFor('agent-audio', (e) => e.at > endedAt, timeoutMs);
  await caller.waitFor('agent-audio-end', (e) => e.at > heard.at, timeoutMs);
  return heard.at - endedAt;
}

export async function livePoint({ server, startCaller, variantName, calls, cfg, log }) {
  const variant = LIVE_VARIANTS[variantName];
  const dir = mkdtempSync(join(tmpdir(), 'openrtc-live-bench-'));
  const probeFile = variant.python ? undefined : join(dir, 'probe.json');
  const loadAverage = os.loadavg().map((v) => round(v, 2));
  log(`live: ${variantName}, ${calls} call(s), load ${loadAverage.join(' / ')}`);
  const callers = [];
  let worker;
  try {
    worker = await startWorker(server, variant, calls, probeFile, variant.profile ? dir : undefined);
    await sleep(1000);
    const idleCpu0 = treeCpuSeconds(worker.pid);
    const idleT0 = performance.now();
    await sleep(cfg.idleWindowMs);
    const idleCpuPercent = ((treeCpuSeconds(worker.pid) - idleCpu0) * 1000 * 100) / (performance.now() - idleT0);
    const idleMemory = treeMemory(worker.pid); // after the idle window: the registered worker has settled
    const stamp = Date.now().toString(36);
    const rooms = Array.from({ length: calls }, (_, i) => `${AGENTS[i % AGENTS.length]}-bench-${stamp}-${i + 1}`);
    // A call that fails (no join, no greeting, no answer) is counted and left out, not fatal.
    const errors = [];
    const ready = [];
    await Promise.all(rooms.map(async (room) => {
      try {
        const caller = await startCaller({ server, room, joinTimeoutMs: cfg.stepTimeoutMs });
        callers.push(caller);
        if (variant.listenOnly) await caller.waitFor('agent-track', undefined, cfg.stepTimeoutMs);
        else await greeted(caller, cfg.stepTimeoutMs);
        ready.push(caller);
      } catch (error) {
        errors.push(String(error?.message ?? error).slice(0, 400));
      }
    }));
    if (ready.length === 0) throw new Error(`no call got through: ${errors[0]}`);
    await probe(worker.pid, probeFile, 'measuring');
    const fromUs = Number(process.hrtime.bigint() / 1000n);
    const cpu0 = treeCpuSeconds(worker.pid);
    const t0 = performance.now();
    // A listen-only agent never answers: its window is the speech and one second after it.
    const settled = await Promise.allSettled(ready.map((caller) => (variant.listenOnly ? caller.speak(cfg.stepTimeoutMs).then(() => sleep(1000)).then(() => null) : answered(caller, cfg.stepTimeoutMs))));
    for (const s of settled) if (s.status === 'rejected') errors.push(String(s.reason?.message ?? s.reason).slice(0, 400));
    const latencies = settled.filter((s) => s.status === 'fulfilled' && s.value !== null).map((s) => s.value);
    const liveMemory = treeMemory(worker.pid);
    const cpuSeconds = treeCpuSeconds(worker.pid) - cpu0;
    const wallMs = performance.now() - t0;
    const toUs = Number(process.hrtime.bigint() / 1000n);
    const loop = await probe(worker.pid, probeFile, 'done');
    let profile = null;
    if (variant.profile) {
      // The profile is written when the worker exits: let it end now (the callers leave first).
      await Promise.all(callers.splice(0).map((caller) => caller.leave(10_000).catch(() => caller.kill())));
      await worker.stop();
      const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
      profile = file ? profileShares(join(dir, file), fromUs, toUs) : { error: 'the worker wrote no CPU profile' };
    }
    const live = ready.length;
    const grossMs = (cpuSeconds * 1000) / live / (wallMs / 1000);
    const netMs = grossMs - (idleCpuPercent * 10) / live;
    return {
      variant: variantName,
      isolation: variant.isolation,
      roomAudio: variant.roomAudio ?? { sampleRate: 24000, frameSizeMs: 10 },
      calls,
      loadAverage,
      ok: true,
      callsFailed: errors.length,
      ...(errors.length ? { firstError: errors[0], workerOutput: worker.output().slice(-3000) } : {}),
      windowMs: round(wallMs, 0),
      idleCpuPercent: round(idleCpuPercent, 1),
      treeCpuPercent: round((cpuSeconds * 1000 * 100) / wallMs, 1),
      cpuMsPerCallSecond: round(netMs, 1),
      cpuMsPerCallSecondGross: round(grossMs, 1),
      pssIdleMiB: round(idleMemory.pssMiB, 0),
      pssLiveMiB: round(liveMemory.pssMiB, 0),
      pssPerCallMiB: round((liveMemory.pssMiB - idleMemory.pssMiB) / live, 1),
      processes: liveMemory.processes,
      replyMs: latencies.length ? { p50: round(percentile(latencies, 50), 0), p99: round(percentile(latencies, 99), 0), all: latencies.map((ms) => round(ms, 0)) } : null,
      loopDelayMs: loop.loopDelayMs ?? null,
      eventLoopUtilization: loop.eventLoopUtilization ?? null,
      ...(profile ? { profile } : {}),
    };
  } catch (error) {
    return { variant: variantName, isolation: variant.isolation, calls, loadAverage, ok: false, error: String(error?.message ?? error).slice(0, 1500) };
  } finally {
    await Promise.all(callers.map((caller) => caller.leave(10_000).catch(() => caller.kill())));
    await worker?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function live(ctx) {
  const cfg = ctx.tiny ? TINY : FULL;
  const variants = ctx.liveVariants ?? cfg.variants;
  const { startLiveKitServer, LiveKitServerUnavailableError } = await import('../../scripts/livekit-server.mjs');
  const { startCaller } = await import('../../scripts/live-caller.mjs');
  for (const file of [CLI, APP]) if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build first`);
  let server;
  try {
    server = await startLiveKitServer({ logLevel: 'warn' });
  } catch (error) {
    if (!(error instanceof LiveKitServerUnavailableError)) throw error;
    const line = `SKIPPED: the live benchmark needs a livekit-server: ${error.message}`;
    ctx.log(line);
    return { result: { skipped: line }, tables: [{ title: 'Live calls', markdown: line }], charts: [] };
  }
  const points = [];
  const skipped = {};
  if (variants.includes('python-listener') && !pythonReady()) {
    skipped['python-listener'] = `SKIPPED: the Python OpenRTC reference needs a venv with openrtc and livekit-agents[silero,turn-detector] at ${PYTHON === join(ROOT, '.cache/py/bin/python') ? '.cache/py' : 'OPENRTC_BENCH_PYTHON'} (python3 -m venv .cache/py && .cache/py/bin/pip install openrtc "livekit-agents[silero,turn-detector]~=1.8.9"; no model download is needed).`;
    ctx.log(skipped['python-listener']);
  }
  const stopped = new Set(Object.keys(skipped)); // a variant the machine could not carry at some N is not tried at a larger N
  try {
    for (const [index, calls] of cfg.calls.entries()) {
      const order = index % 2 === 0 ? variants : [...variants].reverse();
      for (const variantName of order) {
        if (stopped.has(variantName)) continue;
        if (Date.now() > (ctx.liveDeadline ?? Infinity)) {
          ctx.log(`live: out of time before ${variantName} at ${calls} calls`);
          stopped.add(variantName);
          continue;
        }
        const point = await livePoint({ server, startCaller, variantName, calls, cfg, log: ctx.log });
        if (!point.ok || point.callsFailed > calls * 0.1) {
          ctx.log(`live: ${variantName} at ${calls} calls: ${point.ok ? `${point.callsFailed} call(s) failed: ${point.firstError}` : `failed: ${point.error.split('\n')[0]}`}; not tried at larger N`);
          stopped.add(variantName);
        }
        points.push(point);
      }
    }
    for (const [variantName, calls] of ctx.liveVariants ? [] : cfg.extra ?? []) {
      if (stopped.has(variantName) || Date.now() > (ctx.liveDeadline ?? Infinity)) continue;
      points.push(await livePoint({ server, startCaller, variantName, calls, cfg, log: ctx.log }));
    }
  } finally {
    await server.stop();
  }
  // Paths in the report are relative to the project: no machine paths in results.
  const described = (variant) => (variant.app ? { ...variant, app: relative(ROOT, variant.app) } : variant);
  const result = { variants: Object.fromEntries(variants.map((v) => [v, described(LIVE_VARIANTS[v])])), skippedVariants: skipped, points };
  const table = liveTable(result);
  for (const line of Object.values(skipped)) table.markdown += `\n\n${line}`;
  return { result, tables: [table], charts: [] };
}

function pythonReady() {
  if (!existsSync(PYTHON)) return false;
  const probe = spawnSync(PYTHON, ['-c', 'import openrtc, livekit.plugins.silero, livekit.plugins.turn_detector'], { stdio: 'ignore', timeout: 60_000 });
  return probe.status === 0;
}

const text = (v) => (v === null || v === undefined ? '-' : v);

function liveTable({ points }) {
  const rows = points.map((p) => p.ok
    ? [p.variant, p.callsFailed ? `${p.calls} (${p.callsFailed})` : p.calls, `${p.roomAudio.sampleRate / 1000} kHz / ${p.roomAudio.frameSizeMs} ms`, p.cpuMsPerCallSecond, p.treeCpuPercent, p.pssPerCallMiB, p.replyMs ? `${p.replyMs.p50} / ${p.replyMs.p99}` : '-', text(p.loopDelayMs?.p99), text(p.eventLoopUtilization), p.loadAverage[0]]
    : [p.variant, p.calls, '-', `failed: ${p.error.split('\n')[0].slice(0, 120)}`, '', '', '', '', '', p.loadAverage[0]]);
  return {
    title: 'Live calls through a local livekit-server: worker tree (worker + its children) per call',
    markdown: markdownTable(['variant', 'calls (failed)', 'room input', 'CPU ms per call-second (net of idle)', 'tree CPU % of a core', 'PSS MiB per call', 'reply p50 / p99 ms', 'worker loop p99 ms', 'worker ELU', 'load (1 min)'], rows),
  };
}
