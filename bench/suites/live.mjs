// Live suite: N real calls through a local livekit-server (scripts/livekit-server.mjs), each caller
// a real WebRTC participant in its own process (scripts/live-caller.mjs) that hears the greeting,
// speaks a recording and listens for the answer. The worker is the sample app (scripted STT, LLM and
// TTS) started by the `openrtc` CLI, with bench/live/loop-probe.mjs preloaded. Per point:
//   CPU of the worker's process tree (the worker and its children, from /proc: not the server, not
//   the callers) per call-second, net of the same worker's idle rate measured just before;
//   PSS per call (tree PSS with every call live, less the idle tree); reply latency (end of the
//   caller's speech -> first agent audio, from the caller's own events); the worker's loop delay
//   and event-loop utilization over the window.
// Variants run interleaved per N (order reversed every other N), each in a fresh worker. Admission by
// headroom is off in the sweep (it would refuse the calls whose cost is measured); the `admission`
// variant turns it on, with callers arriving one after another faster than the worker can serve.
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { node24 } from '../lib/node24.mjs';
import { profileShares } from '../live/profile-share.mjs';
import { treeCpuSeconds, treeMemory } from '../lib/proc-memory.mjs';
import { processTree, readStat, signalTree } from '../../scripts/process-tree.mjs';
import { round, sleep, summary } from '../lib/stats.mjs';
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
/** OPENRTC_BENCH_KEEP=<dir>: each point's whole worker log (and CPU profile) is kept there, to read. */
const KEEP = process.env.OPENRTC_BENCH_KEEP ? resolve(process.env.OPENRTC_BENCH_KEEP) : undefined;
const ROOM_16K_40MS = { sampleRate: 16000, frameSizeMs: 40 }; // this module's default
const UPSTREAM = { sampleRate: 24000, frameSizeMs: 10 }; // agents-js 1.9's room input

/** Each variant names its room input: upstream's (24 kHz, 10 ms frames) or this module's default (16 kHz, 40 ms). */
export const LIVE_VARIANTS = {
  coroutine: { roomAudio: UPSTREAM, isolation: 'coroutine', label: 'coroutine, room input 24 kHz / 10 ms (upstream default)' },
  'coroutine-16k-20ms': { isolation: 'coroutine', roomAudio: { sampleRate: 16000, frameSizeMs: 20 }, label: 'coroutine, room input 16 kHz / 20 ms' },
  // The coroutine point under node --cpu-prof, for the FFI fan-out's share (issue #12 item 4).
  'coroutine-profile': { roomAudio: UPSTREAM, isolation: 'coroutine', profile: true, label: 'coroutine, 24 kHz / 10 ms, under --cpu-prof (fan-out share)' },
  'coroutine-16k-40ms': { isolation: 'coroutine', roomAudio: ROOM_16K_40MS, label: 'coroutine, room input 16 kHz / 40 ms' },
  process: { roomAudio: UPSTREAM, isolation: 'process', label: 'process, room input 24 kHz / 10 ms (upstream default)' },
  'process-16k-40ms': { isolation: 'process', roomAudio: ROOM_16K_40MS, label: 'process, room input 16 kHz / 40 ms' },
  // Node 24 LTS beside the machine's Node (issue #12 item 2): the same worker on the other runtime.
  'coroutine-node24': { roomAudio: UPSTREAM, isolation: 'coroutine', node: 24, label: 'coroutine, 24 kHz / 10 ms, worker on Node 24' },
  'coroutine-16k-40ms-node24': { isolation: 'coroutine', roomAudio: ROOM_16K_40MS, node: 24, label: 'coroutine, 16 kHz / 40 ms, worker on Node 24' },
  // Every core (issue #12 item 6): `openrtc start --workers 2`; LiveKit spreads the calls.
  'coroutine-2-workers': { roomAudio: UPSTREAM, isolation: 'coroutine', workers: 2, label: 'coroutine, 24 kHz / 10 ms, two workers (--workers 2)' },
  'coroutine-16k-40ms-2-workers': { isolation: 'coroutine', roomAudio: ROOM_16K_40MS, workers: 2, label: 'coroutine, 16 kHz / 40 ms, two workers (--workers 2)' },
  // Admission by headroom (issue #12 item 5), at its defaults: callers arrive one every 500 ms, faster
  // than the worker can serve at large N; the calls it refuses are counted (LiveKit drops their rooms).
  admission: { roomAudio: ROOM_16K_40MS, isolation: 'coroutine', admission: true, staggerMs: 500, label: 'coroutine, 16 kHz / 40 ms, admission by headroom on, a caller every 500 ms' },
  // Side by side with the Python OpenRTC (issue #12 item 7): listen-only agents (VAD only) on both.
  listener: { roomAudio: UPSTREAM, isolation: 'coroutine', listenOnly: true, app: LISTENER_APP, label: 'listen-only agent (VAD), @openrtc/nestjs coroutine, 24 kHz / 10 ms as the Python worker' },
  'listener-16k-40ms': { roomAudio: ROOM_16K_40MS, isolation: 'coroutine', listenOnly: true, app: LISTENER_APP, label: 'listen-only agent (VAD), @openrtc/nestjs coroutine, its default 16 kHz / 40 ms' },
  'python-listener': { isolation: 'coroutine', listenOnly: true, python: true, label: 'listen-only agent (VAD), Python openrtc coroutine' },
};
// After the sweep (default variants only): the fan-out profile and the Python side by side at N = 10 (the
// most this 2-core machine carries with its callers on it: 20 callers alone take 1.5 cores), and
// admission by headroom with 30 callers arriving.
const FULL = {
  calls: [1, 5, 10, 20],
  variants: ['coroutine-16k-40ms', 'process-16k-40ms', 'coroutine', 'process', 'coroutine-16k-40ms-node24', 'coroutine-16k-40ms-2-workers'],
  extra: [['coroutine-profile', 10], ['python-listener', 10], ['listener', 10], ['listener-16k-40ms', 10], ['admission', 30]],
  idleWindowMs: 3000,
  stepTimeoutMs: 90_000,
};
const TINY = { calls: [1], variants: ['coroutine'], idleWindowMs: 1000, stepTimeoutMs: 60_000 };

/** Workers still running: if the bench itself dies, they (and their children) must not outlive it. */
const running = new Set();
process.once('exit', () => {
  for (const pid of running) signalTree(pid, 'SIGKILL');
});

/** The worker's Node: the machine's, or Node 24 LTS. */
const nodeFor = (variant, log) => (variant.node === 24 ? node24((line) => log(`live: ${line}`)) : process.execPath);

/** Logs and errors kept in the report name the project's files relative to it: no machine paths in results. */
const scrub = (text) => text.replaceAll(pathToFileURL(ROOT).href, '<project>').replaceAll(ROOT, '<project>').replaceAll(tmpdir(), '<tmp>');

async function startWorker(server, variant, calls, probeFile, profileDir, log, keepAs) {
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
    // The sweep measures what N calls cost, so admission by headroom must not refuse them.
    ...(variant.admission ? {} : { OPENRTC_MAX_EVENT_LOOP_UTILIZATION: 'false', OPENRTC_MAX_CPU_UTILIZATION: 'false' }),
    // Process isolation: upstream's default warm children on this machine (min(CPUs, 4)).
    OPENRTC_IDLE_PROCESSES: String(Math.min(os.availableParallelism(), 4)),
    OPENRTC_BENCH_PROBE_FILE: probeFile ?? '',
    // The Python worker's health server: any free port (its default is 8081).
    OPENRTC_PORT: '0',
  };
  delete env.OPENRTC_AGENT_NAME; // automatic dispatch: rooms are routed by their name
  for (const name of ['OPENRTC_ROOM_SAMPLE_RATE', 'OPENRTC_ROOM_FRAME_MS', 'OPENRTC_WORKERS', ...(variant.admission ? ['OPENRTC_MAX_EVENT_LOOP_UTILIZATION', 'OPENRTC_MAX_CPU_UTILIZATION'] : [])]) delete env[name];
  if (variant.roomAudio?.sampleRate) env.OPENRTC_ROOM_SAMPLE_RATE = String(variant.roomAudio.sampleRate);
  if (variant.roomAudio?.frameSizeMs) env.OPENRTC_ROOM_FRAME_MS = String(variant.roomAudio.frameSizeMs);
  if (variant.admission) env.LIVEKIT_LOG_LEVEL = 'info'; // the worker's FULL / below-capacity reports are info lines
  if (variant.python) delete env.LIVEKIT_LOG_LEVEL; // its CLI reads it too, and 'error' hides the 'registered worker' line
  const [command, args] = variant.python
    ? [PYTHON, [PYTHON_WORKER, 'start']]
    : [nodeFor(variant, log), [...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []), '--import', PROBE, CLI, 'start', '--app', variant.app ?? APP, ...(variant.workers ? ['--workers', String(variant.workers)] : [])]];
  // A session of its own, so a scheduling group of its own on Linux (autogroup): the callers stand
  // for phones on other machines, and in the bench's group their threads would take the worker's
  // share of the cores (10 calls at 16 kHz / 40 ms: loop p99 174 ms beside them, 14-20 ms apart).
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  running.add(child.pid);
  child.once('exit', () => running.delete(child.pid));
  let output = '';
  // Offers refused for headroom or capacity, counted from the worker's own log lines.
  const refused = { headroom: 0, capacity: 0, fullReports: 0 };
  const keep = (chunk) => {
    const text = String(chunk);
    refused.fullReports += text.match(/worker is at full capacity/g)?.length ?? 0;
    refused.headroom += text.match(/Rejecting job [^\n]*no headroom/g)?.length ?? 0;
    refused.capacity += text.match(/Rejecting job [^\n]*maxConcurrentSessions/g)?.length ?? 0;
    output = (output + text).slice(-8000);
    if (keepAs) appendFileSync(`${keepAs}.log`, text);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    // The worker (or --workers' supervisor) drains and ends its own children on SIGTERM.
    child.kill('SIGTERM');
    const timer = setTimeout(() => signalTree(child.pid, 'SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 120_000;
  const registered = () => (output.match(/registered with|registered worker/g)?.length ?? 0) >= (variant.workers ?? 1);
  while (!registered()) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`the worker did not register:\n${output.slice(-2000)}`);
    }
    await sleep(100);
  }
  // Under --workers the loop probes run in the supervised workers, not in the supervisor.
  const probed = () => (variant.workers ? processTree(child.pid).filter((pid) => pid !== child.pid && parentOf(pid) === child.pid) : [child.pid]);
  return { pid: child.pid, stop, output: () => output, refused, probed };
}

function parentOf(pid) {
  try {
    return readStat(pid).ppid;
  } catch {
    return undefined;
  }
}

/** Starts or ends the loop window of every probed worker; with several, the worst loop p99 and each ELU. */
async function probe(pids, file, state, timeoutMs = 60_000) {
  if (!file) return {};
  const reads = await Promise.all(pids.map(async (pid) => {
    const own = file.replace('%p', String(pid));
    process.kill(pid, 'SIGUSR2');
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      try {
        const read = JSON.parse(readFileSync(own, 'utf8'));
        if (read.state === state) return read;
      } catch {
        // not written yet
      }
      await sleep(50);
    }
    throw new Error(`the worker's loop probe did not answer (${state}, pid ${pid})`);
  }));
  if (state !== 'done') return {};
  if (reads.length === 1) return reads[0];
  const worst = reads.reduce((a, b) => (b.loopDelayMs.p99 > a.loopDelayMs.p99 ? b : a));
  return { loopDelayMs: worst.loopDelayMs, eventLoopUtilization: Math.max(...reads.map((r) => r.eventLoopUtilization)), perWorker: reads };
}

/** One call up to its answer: the greeting heard, the recording spoken, the answer heard. */
async function greeted(caller, timeoutMs) {
  const greeting = await caller.waitFor('agent-audio', undefined, timeoutMs);
  await caller.waitFor('agent-audio-end', (e) => e.at > greeting.at, timeoutMs);
}

/**
 * The answer: the first agent audio after the caller began to speak (the greeting has ended by then).
 * Its latency is from the end of the caller's speech; a pause inside the recording can end the
 * caller's turn early, and the agent then answers while the caller still speaks: such an answer is
 * counted as early (latency null), not as a failed call.
 */
async function answered(caller, timeoutMs) {
  const { startedAt, endedAt } = await caller.speak(timeoutMs);
  const heard = await caller.waitFor('agent-audio', (e) => e.at > startedAt, timeoutMs);
  await caller.waitFor('agent-audio-end', (e) => e.at > heard.at, timeoutMs);
  return heard.at > endedAt ? heard.at - endedAt : null;
}

/** Share of the machine's CPU time that was idle over the next `ms` (from /proc/stat). */
async function idleShare(ms) {
  const read = () => readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const a = read();
  await sleep(ms);
  const b = read();
  const delta = b.map((v, i) => v - a[i]);
  const total = delta.reduce((x, y) => x + y, 0);
  return total ? (delta[3] + delta[4]) / total : 1; // idle + iowait
}

/** The previous point's processes (a process worker's children above all) take time to go: wait for a quiet machine. */
async function settle(log) {
  const deadline = Date.now() + 60_000;
  let idle = await idleShare(1000);
  while (idle < 0.85 && Date.now() < deadline) idle = await idleShare(1000);
  if (idle < 0.85) log(`live: the machine is still busy (${Math.round((1 - idle) * 100)} % CPU) after 60 s; measuring anyway`);
}

export async function livePoint({ server, startCaller, variantName, calls, cfg, log }) {
  const variant = LIVE_VARIANTS[variantName];
  await settle(log);
  const dir = mkdtempSync(join(tmpdir(), 'openrtc-live-bench-'));
  const probeFile = variant.python ? undefined : join(dir, 'probe-%p.json');
  if (KEEP) mkdirSync(KEEP, { recursive: true });
  const keepAs = KEEP && join(KEEP, `${variantName}-${calls}-${Date.now().toString(36)}`);
  const loadAverage = os.loadavg().map((v) => round(v, 2));
  log(`live: ${variantName}, ${calls} call(s), load ${loadAverage.join(' / ')}`);
  const callers = [];
  let worker;
  try {
    worker = await startWorker(server, variant, calls, probeFile, variant.profile ? dir : undefined, log, keepAs);
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
    await Promise.all(rooms.map(async (room, i) => {
      let caller;
      try {
        if (variant.staggerMs) await sleep(i * variant.staggerMs);
        caller = await startCaller({ server, room, joinTimeoutMs: cfg.stepTimeoutMs });
        callers.push(caller);
        if (variant.listenOnly) await caller.waitFor('agent-track', undefined, cfg.stepTimeoutMs);
        else await greeted(caller, cfg.stepTimeoutMs);
        ready.push(caller);
      } catch (error) {
        errors.push(String(error?.message ?? error).slice(0, 400));
        // A caller nobody answered hangs up, as a person would: left connected, its microphone would
        // load the cores the measured calls run on (30 callers at admission took over a core).
        await caller?.leave(10_000).catch(() => caller.kill());
      }
    }));
    if (ready.length === 0) throw new Error(`no call got through: ${errors[0]}`);
    const probed = worker.probed();
    await probe(probed, probeFile, 'measuring');
    const fromUs = Number(process.hrtime.bigint() / 1000n);
    const cpu0 = treeCpuSeconds(worker.pid);
    // The rest of the machine, for context: the callers and the server share the same cores.
    const others = () => ({ callers: ready.reduce((sum, c) => sum + treeCpuSeconds(c.child.pid), 0), server: server.pid ? treeCpuSeconds(server.pid) : 0 });
    const others0 = others();
    const t0 = performance.now();
    // A listen-only agent never answers: its window is the speech and one second after it.
    const settled = await Promise.allSettled(ready.map((caller) => (variant.listenOnly ? caller.speak(cfg.stepTimeoutMs).then(() => sleep(1000)).then(() => null) : answered(caller, cfg.stepTimeoutMs))));
    for (const s of settled) if (s.status === 'rejected') errors.push(String(s.reason?.message ?? s.reason).slice(0, 400));
    const latencies = settled.filter((s) => s.status === 'fulfilled' && s.value !== null).map((s) => s.value);
    const reply = summary(latencies);
    const earlyAnswers = variant.listenOnly ? 0 : settled.filter((s) => s.status === 'fulfilled' && s.value === null).length;
    const liveMemory = treeMemory(worker.pid);
    const cpuSeconds = treeCpuSeconds(worker.pid) - cpu0;
    const others1 = others();
    const wallMs = performance.now() - t0;
    const toUs = Number(process.hrtime.bigint() / 1000n);
    const loop = await probe(probed, probeFile, 'done');
    let profile = null;
    if (variant.profile) {
      // The profile is written when the worker exits: let it end now (the callers leave first).
      await Promise.all(callers.splice(0).map((caller) => caller.leave(10_000).catch(() => caller.kill())));
      await worker.stop();
      const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
      profile = file ? profileShares(join(dir, file), fromUs, toUs) : { error: 'the worker wrote no CPU profile' };
      if (file && keepAs) copyFileSync(join(dir, file), `${keepAs}.cpuprofile`);
    }
    const live = ready.length;
    const grossMs = (cpuSeconds * 1000) / live / (wallMs / 1000);
    const netMs = grossMs - (idleCpuPercent * 10) / live;
    return {
      variant: variantName,
      isolation: variant.isolation,
      roomAudio: variant.python ? UPSTREAM : variant.roomAudio,
      node: variant.python ? null : variant.node === 24 ? 'v24' : process.version,
      workers: variant.workers ?? 1,
      calls,
      loadAverage,
      ok: true,
      callsFailed: errors.length,
      ...(errors.length ? { firstError: scrub(errors[0]), workerOutput: scrub(worker.output().slice(-3000)) } : {}),
      windowMs: round(wallMs, 0),
      idleCpuPercent: round(idleCpuPercent, 1),
      treeCpuPercent: round((cpuSeconds * 1000 * 100) / wallMs, 1),
      callersCpuPercent: round(((others1.callers - others0.callers) * 1000 * 100) / wallMs, 1),
      serverCpuPercent: round(((others1.server - others0.server) * 1000 * 100) / wallMs, 1),
      cpuMsPerCallSecond: round(netMs, 1),
      cpuMsPerCallSecondGross: round(grossMs, 1),
      pssIdleMiB: round(idleMemory.pssMiB, 0),
      pssLiveMiB: round(liveMemory.pssMiB, 0),
      pssPerCallMiB: round((liveMemory.pssMiB - idleMemory.pssMiB) / live, 1),
      // Anonymous PSS (heaps, native buffers) does not drift with the machine's file-backed pages.
      pssAnonPerCallMiB: round((liveMemory.pssAnonMiB - idleMemory.pssAnonMiB) / live, 1),
      processes: liveMemory.processes,
      ...(earlyAnswers ? { earlyAnswers } : {}),
      replyMs: reply.n ? { p50: round(reply.p50, 0), p99: round(reply.p99, 0), all: latencies.map((ms) => round(ms, 0)) } : null,
      loopDelayMs: loop.loopDelayMs ?? null,
      eventLoopUtilization: loop.eventLoopUtilization ?? null,
      ...(loop.perWorker ? { perWorker: loop.perWorker.map(({ loopDelayMs, eventLoopUtilization }) => ({ loopDelayMs, eventLoopUtilization })) } : {}),
      // Admission: a worker that reports FULL gets no offers, so LiveKit gives those rooms up and
      // no agent joins them (see test/live/scale-out.spec.ts): they are counted from the callers.
      ...(variant.admission ? { refused: { ...worker.refused, roomsNeverJoined: callers.filter((c) => c.all('participant-joined', (e) => e.agent).length === 0).length } } : {}),
      ...(profile ? { profile } : {}),
    };
  } catch (error) {
    return { variant: variantName, isolation: variant.isolation, calls, loadAverage, ok: false, error: scrub(String(error?.message ?? error).slice(0, 1500)), ...(worker ? { workerOutput: scrub(worker.output().slice(-3000)) } : {}) };
  } finally {
    await Promise.all(callers.map((caller) => caller.leave(10_000).catch(() => caller.kill())));
    await worker?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function live(ctx) {
  const cfg = { ...(ctx.tiny ? TINY : FULL), ...(ctx.liveCalls ? { calls: ctx.liveCalls } : {}) };
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
        ctx.checkpoint?.(point);
        if (!point.ok || point.callsFailed > calls * 0.1) {
          ctx.log(`live: ${variantName} at ${calls} calls: ${point.ok ? `${point.callsFailed} call(s) failed: ${point.firstError}` : `failed: ${point.error.split('\n')[0]}`}; not tried at larger N`);
          stopped.add(variantName);
        }
        points.push(point);
      }
    }
    for (const [variantName, calls] of ctx.liveVariants ? [] : cfg.extra ?? []) {
      if (stopped.has(variantName) || Date.now() > (ctx.liveDeadline ?? Infinity)) continue;
      const point = await livePoint({ server, startCaller, variantName, calls, cfg, log: ctx.log });
      ctx.checkpoint?.(point);
      points.push(point);
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
    ? [p.variant, `${p.calls}${p.callsFailed ? ` (${p.callsFailed})` : ''}${p.refused ? `; ${p.refused.roomsNeverJoined} never joined (${p.refused.fullReports} FULL reports, ${p.refused.headroom} offers refused for headroom)` : ''}`, `${p.roomAudio.sampleRate / 1000} kHz / ${p.roomAudio.frameSizeMs} ms`, p.cpuMsPerCallSecond, p.treeCpuPercent, p.callersCpuPercent === undefined ? '-' : `${p.callersCpuPercent} / ${p.serverCpuPercent}`, p.pssPerCallMiB, p.replyMs ? `${p.replyMs.p50} / ${p.replyMs.p99}` : '-', text(p.loopDelayMs?.p99), text(p.eventLoopUtilization), p.loadAverage[0]]
    : [p.variant, p.calls, '-', `failed: ${p.error.split('\n')[0].slice(0, 120)}`, '', '', '', '', '', '', p.loadAverage[0]]);
  return {
    title: 'Live calls through a local livekit-server: worker tree (worker + its children) per call',
    markdown: markdownTable(['variant', 'calls (failed)', 'room input', 'CPU ms per call-second (net of idle)', 'tree CPU % of a core', 'callers / server CPU % of a core', 'PSS MiB per call', 'reply p50 / p99 ms', 'worker loop p99 ms', 'worker ELU', 'load (1 min)'], rows),
  };
}
