// Start latency: from launchJob (what a LiveKit assignment triggers) to the agent's onEnter, for
// one session at a time (repeated) and for a burst of sessions launched at once.
import { round, sleep, summary } from '../lib/stats.mjs';
import { bootModulePool, launchSession, waitEntered } from './module-pool.mjs';

const latencies = (launched, reports) => launched.map(({ session, launchedAt }) => reports.get(session.jobId)?.enteredAt - launchedAt).filter(Number.isFinite);
const stats = (values) => {
  const { n, p50, p99, max } = summary(values);
  return { n, p50Ms: round(p50, 1), p99Ms: round(p99, 1), maxMs: round(max, 1) };
};

/**
 * @param warmMs pause after start, and between single launches (process mode: upstream refills its
 *   idle processes, so each launch finds one ready, as a worker between calls would)
 */
export async function run({ audio, singles, burst, warmMs, enterTimeoutMs }) {
  const { pool, reportFile } = await bootModulePool();
  await sleep(warmMs);
  const single = [];
  for (let i = 0; i < singles; i++) {
    const launched = await launchSession(pool, audio, reportFile);
    single.push(...latencies([launched], await waitEntered(reportFile, i + 1, enterTimeoutMs)));
    await launched.session.end();
    await sleep(warmMs);
  }
  const launched = await Promise.all(Array.from({ length: burst }, () => launchSession(pool, audio, reportFile)));
  const burstLatencies = latencies(launched, await waitEntered(reportFile, singles + burst, enterTimeoutMs));
  return {
    isolation: pool.stats().isolation,
    single: stats(single),
    burst: { sessions: burst, ...stats(burstLatencies) },
  };
}
