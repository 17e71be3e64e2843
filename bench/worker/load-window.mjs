// One measurement window over a running worker: event-loop delay, CPU, RSS and VAD lag.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { descendantsCpuSeconds } from '../lib/proc-memory.mjs';
import { round, summary } from '../lib/stats.mjs';
import { startVadLag, stopVadLag } from './vad-tap.mjs';

const RESOLUTION_MS = 1;
const ns = (value) => value / 1e6;

export function startLoadWindow() {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  const cpu = process.cpuUsage();
  const childCpu = descendantsCpuSeconds();
  const elu = performance.eventLoopUtilization();
  const started = performance.now();
  let rssMax = process.memoryUsage.rss();
  const sampler = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage.rss())), 250);
  startVadLag();

  return function stop(sessions) {
    const wallMs = performance.now() - started;
    histogram.disable();
    clearInterval(sampler);
    const lags = stopVadLag();
    const used = process.cpuUsage(cpu);
    const cpuMs = (used.user + used.system) / 1000;
    // The histogram records the whole timer interval: the delay is what exceeds the resolution.
    const delay = (value) => round(Math.max(0, ns(value) - RESOLUTION_MS));
    const lag = summary(lags);
    const late = lags.filter((ms) => ms > 32).length;
    return {
      sessions,
      wallMs: round(wallMs, 0),
      loopDelayMs: { p50: delay(histogram.percentile(50)), p99: delay(histogram.percentile(99)), max: delay(histogram.max) },
      eventLoopUtilization: round(performance.eventLoopUtilization(elu).utilization, 3),
      // % of one core: this process (all its threads) and, separately, its child processes.
      cpuPercent: round((cpuMs / wallMs) * 100, 1),
      // A child that exits (or is restarted) during the window takes its counter along: never below 0.
      childCpuPercent: round(Math.max(0, ((descendantsCpuSeconds() - childCpu) * 1000) / wallMs) * 100, 1),
      cpuMsPerSessionSecond: sessions ? round(cpuMs / sessions / (wallMs / 1000), 3) : null,
      rssMiB: round(process.memoryUsage.rss() / 2 ** 20, 1),
      rssMaxMiB: round(rssMax / 2 ** 20, 1),
      vadWindows: lags.length,
      vadWindowsExpected: Math.round((sessions * wallMs) / 32),
      vadLagMs: { p50: round(lag.p50), p99: round(lag.p99), max: round(lag.max) },
      // A window is late when its result trails its audio by more than one whole frame (32 ms).
      framesLate: late,
      framesLatePercent: lags.length ? round((late / lags.length) * 100, 2) : null,
    };
  };
}
