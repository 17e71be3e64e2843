// Throughput suite (coroutine isolation): N sessions hearing real-time speech, for both VADs; the
// VAD's own floor; and the module's overhead over bare upstream AgentSessions on the same load.
import os from 'node:os';
import { lineChart } from '../lib/svg-chart.mjs';
import { runWorker } from '../lib/spawn-worker.mjs';
import { round } from '../lib/stats.mjs';
import { markdownTable } from '../lib/table.mjs';

const VADS = ['silero', 'native'];
const LOOP_P99_LIMIT_MS = 20;
const FULL = { sessions: [10, 25, 50, 100], warmupMs: 1500, windowMs: 5000, floorWindows: 3000, overheadSessions: 50 };
const TINY = { sessions: [2], warmupMs: 300, windowMs: 1000, floorWindows: 100, overheadSessions: 2 };

export async function throughput(ctx) {
  const cfg = ctx.tiny ? TINY : FULL;
  const hold = (impl, vad, sessions) => {
    ctx.log(`throughput: ${impl === 'bare' ? 'bare AgentSession' : 'module'}, ${vad} VAD, ${sessions} sessions`);
    ctx.log(`  load ${os.loadavg().map((v) => v.toFixed(2)).join(' / ')}`);
    const params = { impl, vad, sessions, audio: ctx.longAudio, warmupMs: cfg.warmupMs, windowMs: cfg.windowMs, enterTimeoutMs: 20_000 };
    return runWorker('hold', params, { env: { ...ctx.env, OPENRTC_BENCH_ISOLATION: 'coroutine', OPENRTC_BENCH_VAD: vad }, timeoutMs: 120_000 });
  };
  const sweep = {};
  for (const vad of VADS) {
    sweep[vad] = [];
    for (const n of cfg.sessions) sweep[vad].push(await hold('module', vad, n));
  }
  ctx.log('throughput: VAD floor');
  const floor = await runWorker('floor', { audio: ctx.audio, warmup: 50, count: cfg.floorWindows }, { env: ctx.env, timeoutMs: 120_000 });
  // The overhead pair runs back to back on the default VAD, so both see the same machine load.
  const overhead = { bare: await hold('bare', ctx.defaultVad, cfg.overheadSessions), module: await hold('module', ctx.defaultVad, cfg.overheadSessions) };
  const capacity = Object.fromEntries(VADS.map((vad) => [vad, largestWithinLimit(sweep[vad])]));
  const result = { format: ctx.format, loopP99LimitMs: LOOP_P99_LIMIT_MS, sweep, capacity, floor: withSessionCost(floor, sweep, capacity), overhead };
  return {
    result,
    tables: [sweepTable(result), floorTable(result), overheadTable(result)],
    charts: [{ name: 'throughput', svg: chart(result) }],
  };
}

/** The largest N whose loop p99 is within the limit, every smaller N being within it too. */
function largestWithinLimit(points) {
  let best = null;
  for (const p of points) {
    if (p.entered < p.sessions || p.loopDelayMs.p99 > LOOP_P99_LIMIT_MS) break;
    best = p.sessions;
  }
  return best;
}

/**
 * Next to each VAD's floor: what a whole simulated session costs (CPU ms per session-second) at its
 * capacity. No sessions-per-core figure is derived from it: a simulated session has no room, no
 * WebRTC and no STT/LLM/TTS, and a real call costs several times more (the live benchmark).
 */
function withSessionCost(floor, sweep, capacity) {
  return Object.fromEntries(VADS.map((vad) => {
    const at = sweep[vad].find((p) => p.sessions === capacity[vad]) ?? sweep[vad][0];
    return [vad, { ...floor[vad], session: { measuredAt: at.sessions, cpuMsPerSessionSecond: round(at.cpuMsPerSessionSecond, 1), vadShare: round((floor[vad].cpuMsPerWindow * (1000 / 32)) / at.cpuMsPerSessionSecond, 2) } }];
  }));
}

const f = (v, digits = 1) => (v === null || v === undefined ? null : round(v, digits));

const formatLabel = (format) => `${format.name}: ${format.sampleRate / 1000} kHz, ${format.frameMs} ms frames`;

function sweepTable({ sweep, capacity, format }) {
  const rows = VADS.flatMap((vad) => sweep[vad].map((p) => [
    vad, p.sessions,
    `${f(p.loopDelayMs.p50)} / ${f(p.loopDelayMs.p99)} / ${f(p.loopDelayMs.max)}`,
    f(p.eventLoopUtilization, 2), f(p.cpuPercent, 0), f(p.cpuMsPerSessionSecond, 1), f(p.rssMiB, 0),
    `${f(p.vadLagMs.p50)} / ${f(p.vadLagMs.p99)}`, `${f(p.framesLatePercent, 1)} %`, `${p.vadWindows} / ${p.vadWindowsExpected}`,
  ]));
  const verdict = VADS.map((vad) => `${vad}: largest N with loop p99 <= ${LOOP_P99_LIMIT_MS} ms = ${capacity[vad] ?? `none (even N = ${sweep[vad][0].sessions} exceeds it)`}`);
  return {
    title: `Throughput, coroutine isolation: N sessions hearing real-time speech (5.6 s clip, looped by repetition; ${formatLabel(format)})`,
    markdown: markdownTable(
      ['VAD', 'sessions', 'loop delay p50 / p99 / max (ms)', 'loop utilization', 'CPU % of a core', 'CPU ms per session-second', 'RSS MiB', 'VAD lag p50 / p99 (ms)', 'windows late (>32 ms)', 'VAD windows / expected'],
      rows,
    ) + `\n\n${verdict.join('\n')}`,
  };
}

function floorTable({ floor, format }) {
  return {
    title: `The VAD's floor: CPU per 32 ms VAD window (one stream fed flat out) vs a whole simulated session (${formatLabel(format)})`,
    markdown: markdownTable(
      ['VAD', 'VAD CPU ms per window', 'VAD CPU ms per session-second', 'simulated session CPU ms per session-second (at N)', "the VAD's share"],
      VADS.map((vad) => [vad, floor[vad].cpuMsPerWindow, round(floor[vad].cpuMsPerWindow * (1000 / 32), 2), `${floor[vad].session.cpuMsPerSessionSecond} (N = ${floor[vad].session.measuredAt})`, `${Math.round(floor[vad].session.vadShare * 100)} %`]),
    ),
  };
}

function overheadTable(result) {
  const { bare, module } = result.overhead;
  const row = (name, p) => [name, p.memory.perSessionPssAnonMiB, p.memory.perSessionPssMiB, f(p.cpuMsPerSessionSecond, 2), f(p.loopDelayMs.p99), f(p.vadLagMs.p99)];
  return {
    title: `Module overhead per session: @openrtc/nestjs (coroutine) vs bare upstream AgentSession, ${module.sessions} sessions, ${module.vad} VAD, ${formatLabel(result.format)}`,
    markdown: markdownTable(['', 'anon PSS MiB per session', 'PSS MiB per session', 'CPU ms per session-second', 'loop p99 ms', 'VAD lag p99 ms'], [
      row('bare AgentSession', bare),
      row('@openrtc/nestjs', module),
      ['overhead (module - bare)', f(module.memory.perSessionPssAnonMiB - bare.memory.perSessionPssAnonMiB, 2), f(module.memory.perSessionPssMiB - bare.memory.perSessionPssMiB, 2), f(module.cpuMsPerSessionSecond - bare.cpuMsPerSessionSecond, 2), null, null],
    ]),
  };
}

function chart({ sweep }) {
  const colors = { silero: '#d62728', native: '#1f77b4' };
  return lineChart({
    title: 'Event-loop delay p99 vs sessions (coroutine isolation)',
    xLabel: 'concurrent sessions hearing real-time speech',
    yLabel: 'event-loop delay p99, ms',
    logY: true,
    references: [{ y: LOOP_P99_LIMIT_MS, label: `${LOOP_P99_LIMIT_MS} ms limit` }],
    series: VADS.map((vad) => ({ name: `${vad} VAD`, color: colors[vad], points: sweep[vad].map((p) => [p.sessions, Math.max(0.1, p.loopDelayMs.p99)]) })),
  });
}
