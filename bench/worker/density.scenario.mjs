// Density: memory of the worker and all its children with 0, then N concurrent sessions, in the
// isolation mode of this worker's environment. Sessions are added step by step and kept running.
import { treeMemory } from '../lib/proc-memory.mjs';
import { round, sleep } from '../lib/stats.mjs';
import { bootModulePool, launchSession, waitEntered } from './module-pool.mjs';

async function measure(sessions) {
  globalThis.gc?.(); // the worker's own garbage only; children keep theirs (a real worker does too)
  await sleep(500);
  const { pssMiB, pssAnonMiB, rssMiB, processes } = treeMemory();
  return { sessions, pssMiB: round(pssMiB, 1), pssAnonMiB: round(pssAnonMiB, 1), rssMiB: round(rssMiB, 1), processes };
}

/**
 * @param steps session counts to reach, ascending
 * @param settleMs pause after the last session of a step entered, so its audio is flowing
 * @param warmMs pause after start (process mode: upstream's idle processes finish booting)
 * @param deadline epoch ms: a step predicted to end later is skipped, with the ones after it (keeps the run bounded)
 * @param stepTimeoutMs how long a step may wait for its sessions to enter
 */
export async function run({ steps, audio, settleMs, warmMs, deadline, stepTimeoutMs }) {
  // Never closed: closing drains (up to drainTimeout) sessions that never hang up; the worker exits instead.
  const { pool, reportFile } = await bootModulePool();
  await sleep(warmMs);
  const points = [await measure(0)];
  const skipped = [];
  let running = 0;
  let secondsPerSession = 0;
  for (const target of steps) {
    const stepStarted = Date.now();
    // Process mode boots children a few at a time (about 2 s each): skip a step the time left cannot hold.
    const predicted = (target - running) * secondsPerSession * 1000 + settleMs;
    if (stepStarted + predicted > deadline) {
      const reason = `time budget: about ${Math.round(predicted / 1000)} s needed, ${Math.max(0, Math.round((deadline - stepStarted) / 1000))} s left`;
      skipped.push(...steps.filter((n) => n >= target).map((sessions) => ({ sessions, reason })));
      break;
    }
    await Promise.all(Array.from({ length: target - running }, () => launchSession(pool, audio, reportFile)));
    const entered = (await waitEntered(reportFile, target, stepTimeoutMs)).size;
    if (entered < target) {
      skipped.push({ sessions: target, reason: `only ${entered} of ${target} sessions entered within ${stepTimeoutMs / 1000} s` });
      break;
    }
    secondsPerSession = (Date.now() - stepStarted) / 1000 / (target - running);
    running = target;
    await sleep(settleMs);
    points.push({ ...(await measure(target)), stepSeconds: round((Date.now() - stepStarted) / 1000, 1) });
  }
  const base = points[0];
  return {
    isolation: pool.stats().isolation,
    points: points.map((p) => ({
      ...p,
      perSessionPssMiB: p.sessions ? round((p.pssMiB - base.pssMiB) / p.sessions, 2) : null,
      perSessionPssAnonMiB: p.sessions ? round((p.pssAnonMiB - base.pssAnonMiB) / p.sessions, 2) : null,
      perSessionRssMiB: p.sessions ? round((p.rssMiB - base.rssMiB) / p.sessions, 2) : null,
    })),
    skipped,
  };
}
