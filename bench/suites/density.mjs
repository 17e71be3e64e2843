// Density suite: memory of a worker tree at 0..N sessions, coroutine vs process isolation.
import { lineChart } from '../lib/svg-chart.mjs';
import { runWorker } from '../lib/spawn-worker.mjs';
import { round } from '../lib/stats.mjs';
import { markdownTable } from '../lib/table.mjs';

const FULL = { steps: [1, 10, 25, 50], settleMs: 2000, processWarmMs: 6000 };
const TINY = { steps: [1], settleMs: 300, processWarmMs: 3000 };

export async function density(ctx) {
  const cfg = ctx.tiny ? TINY : FULL;
  const params = { steps: cfg.steps, audio: ctx.audio, settleMs: cfg.settleMs };
  ctx.log('density: coroutine isolation');
  const coroutine = await runWorker('density', { ...params, warmMs: 1000, deadline: Date.now() + 300_000, stepTimeoutMs: 60_000 }, {
    env: { ...ctx.env, OPENRTC_BENCH_ISOLATION: 'coroutine' },
    timeoutMs: 180_000,
  });
  ctx.log('density: process isolation (children boot one per CPU at a time)');
  const processMode = await runWorker('density', { ...params, warmMs: cfg.processWarmMs, deadline: ctx.deadline, stepTimeoutMs: 240_000 }, {
    env: { ...ctx.env, OPENRTC_BENCH_ISOLATION: 'process' },
    timeoutMs: Math.max(120_000, ctx.deadline - Date.now() + 300_000),
  });
  const result = { coroutine, process: processMode, ratios: ratios(coroutine, processMode) };
  return { result, tables: [table(result)], charts: [{ name: 'density', svg: chart(result) }] };
}

/**
 * Process over coroutine per-session memory at each N both modes reached, on anonymous PSS: on a
 * machine shared with other processes the file-backed share of PSS drifts by tens of MiB, more
 * than a coroutine session adds.
 */
function ratios(coroutine, processMode) {
  return coroutine.points.flatMap((c) => {
    const p = processMode.points.find((q) => q.sessions === c.sessions);
    return c.sessions > 0 && p ? [{ sessions: c.sessions, processOverCoroutine: round(p.perSessionPssAnonMiB / c.perSessionPssAnonMiB, 0) }] : [];
  });
}

const perSession = (p) => (p?.sessions ? `${p.perSessionPssMiB} / ${p.perSessionPssAnonMiB} / ${p.perSessionRssMiB}` : null);

function table({ coroutine, process: processMode, ratios: rs }) {
  const ns = [...new Set([...coroutine.points, ...processMode.points, ...processMode.skipped].map((p) => p.sessions))].sort((a, b) => a - b);
  const rows = ns.map((n) => {
    const c = coroutine.points.find((p) => p.sessions === n);
    const p = processMode.points.find((q) => q.sessions === n);
    const skipped = processMode.skipped.find((q) => q.sessions === n);
    return [
      n, c?.pssMiB, perSession(c),
      p?.pssMiB ?? (skipped ? 'skipped' : null), perSession(p), p?.processes,
      rs.find((r) => r.sessions === n)?.processOverCoroutine,
    ];
  });
  const notes = processMode.skipped.map((s) => `process isolation, N = ${s.sessions}: skipped (${s.reason})`);
  return {
    title: 'Density: memory of the worker and all its processes (MiB; per session = (total(N) - total(0)) / N)',
    markdown: markdownTable(
      ['sessions', 'coroutine: PSS total', 'coroutine per session: PSS / anon PSS / RSS', 'process: PSS total', 'process per session: PSS / anon PSS / RSS', 'processes', 'anon PSS per session, process ÷ coroutine'],
      rows,
    ) + (notes.length ? `\n\n${notes.join('\n')}` : ''),
  };
}

function chart({ coroutine, process: processMode }) {
  const pts = (mode, key) => mode.points.map((p) => [p.sessions, p[key]]);
  return lineChart({
    title: 'Worker memory vs concurrent sessions',
    xLabel: 'concurrent sessions',
    yLabel: 'MiB (worker + child processes)',
    series: [
      { name: 'process isolation, PSS', color: '#d62728', points: pts(processMode, 'pssMiB') },
      { name: 'process isolation, RSS', color: '#d62728', dashed: true, points: pts(processMode, 'rssMiB') },
      { name: 'coroutine isolation, PSS', color: '#1f77b4', points: pts(coroutine, 'pssMiB') },
      { name: 'coroutine isolation, RSS', color: '#1f77b4', dashed: true, points: pts(coroutine, 'rssMiB') },
    ],
  });
}
