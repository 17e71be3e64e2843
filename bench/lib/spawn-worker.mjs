// Runs one scenario in a fresh worker process (bench/worker) and returns its result. The worker
// leads its own process group, so a timeout ends it and every session process it started.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const WORKER = fileURLToPath(new URL('../worker/worker.mjs', import.meta.url));
const TAIL = 4000;

/**
 * @param env settings of the benchmark app (OPENRTC_BENCH_ISOLATION, OPENRTC_BENCH_VAD, ...)
 */
export function runWorker(scenario, params, { env = {}, timeoutMs }) {
  return new Promise((resolve, reject) => {
    const child = fork(WORKER, [scenario, JSON.stringify(params)], {
      // `npm run bench -- --node 24` runs the workers on Node 24 LTS.
      execPath: process.env.OPENRTC_BENCH_NODE || process.execPath,
      // gc(): memory is read after a collection, so garbage does not pass for session state.
      execArgv: ['--expose-gc'],
      // production: rtc-node logs at debug level to stdout otherwise.
      env: { ...process.env, NODE_ENV: 'production', ...env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      detached: true,
    });
    let output = '';
    const keep = (chunk) => (output = (output + chunk).slice(-TAIL));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let message;
    child.on('message', (m) => (message = m));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (message?.ok) return resolve(message.result);
      const why = message ? message.error : `worker exited (${signal ?? `code ${code}`}) without a result${signal === 'SIGKILL' ? ` after its ${timeoutMs / 1000} s limit` : ''}`;
      reject(new Error(`${scenario} benchmark failed: ${why}\n--- worker output (tail) ---\n${output}`));
    });
  });
}
