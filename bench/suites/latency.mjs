// Start-latency suite: launchJob -> the agent's onEnter, one session and a burst, both modes.
import { runWorker } from '../lib/spawn-worker.mjs';
import { markdownTable } from '../lib/table.mjs';

const FULL = { burst: 25, coroutine: { singles: 5, warmMs: 500 }, process: { singles: 3, warmMs: 4500 } };
const TINY = { burst: 2, coroutine: { singles: 1, warmMs: 200 }, process: { singles: 1, warmMs: 3000 } };

export async function latency(ctx) {
  const cfg = ctx.tiny ? TINY : FULL;
  const result = {};
  for (const isolation of ['coroutine', 'process']) {
    ctx.log(`latency: ${isolation} isolation`);
    const { singles, warmMs } = cfg[isolation];
    result[isolation] = await runWorker('latency', { audio: ctx.audio, singles, burst: cfg.burst, warmMs, enterTimeoutMs: 240_000 }, {
      env: { ...ctx.env, OPENRTC_BENCH_ISOLATION: isolation },
      timeoutMs: 360_000,
    });
  }
  const row = (isolation) => {
    const { single, burst } = result[isolation];
    return [isolation, `${single.p50Ms} / ${single.p99Ms} (n = ${single.n})`, `${burst.p50Ms} / ${burst.p99Ms} / ${burst.maxMs} (n = ${burst.n})`];
  };
  return {
    result,
    tables: [{
      title: `Start latency: launchJob -> agent onEnter (ms). N = 1: one at a time, pool idle; N = ${cfg.burst}: launched at once`,
      markdown: markdownTable(['isolation', 'N = 1: p50 / p99', `N = ${cfg.burst} burst: p50 / p99 / max`], [row('coroutine'), row('process')]),
    }],
    charts: [],
  };
}
