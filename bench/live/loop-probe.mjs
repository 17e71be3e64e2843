// Preloaded into the live benchmark's worker (node --import): measures the worker's own event loop
// between two SIGUSR2 signals and writes { loopDelayMs, eventLoopUtilization } to the file named by
// OPENRTC_BENCH_PROBE_FILE ('%p' in it stands for the pid). The variable is removed at once, so the
// worker's children (process isolation) inherit an inert probe; under `openrtc start --workers`
// the supervisor keeps it for the workers it starts and measures nothing itself.
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

const supervisor = process.argv.includes('--workers');
const file = supervisor ? undefined : process.env.OPENRTC_BENCH_PROBE_FILE?.replace('%p', String(process.pid));
if (!supervisor) delete process.env.OPENRTC_BENCH_PROBE_FILE;

if (file) {
  const RESOLUTION_MS = 1;
  let window;
  process.on('SIGUSR2', () => {
    if (!window) {
      const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
      histogram.enable();
      window = { histogram, elu: performance.eventLoopUtilization(), started: performance.now() };
      writeFileSync(file, JSON.stringify({ state: 'measuring' }));
      return;
    }
    const { histogram, elu, started } = window;
    window = undefined;
    histogram.disable();
    // The histogram records the whole timer interval: the delay is what exceeds the resolution.
    const delay = (ns) => Math.round(Math.max(0, ns / 1e6 - RESOLUTION_MS) * 10) / 10;
    writeFileSync(file, JSON.stringify({
      state: 'done',
      wallMs: Math.round(performance.now() - started),
      loopDelayMs: { p50: delay(histogram.percentile(50)), p99: delay(histogram.percentile(99)), max: delay(histogram.max) },
      eventLoopUtilization: Math.round(performance.eventLoopUtilization(elu).utilization * 1000) / 1000,
    }));
  });
}
