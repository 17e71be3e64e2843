// Throughput point: N sessions hear real-time speech through their VAD; one window measures the
// event loop, CPU, RSS and VAD lag, and memory is read before and after. `impl: 'bare'` runs the
// same load on bare upstream AgentSessions, for the module-overhead row.
import { treeMemory } from '../lib/proc-memory.mjs';
import { round, sleep } from '../lib/stats.mjs';
import { startLoadWindow } from './load-window.mjs';
import { bootBareSessions } from './bare-sessions.mjs';
import { bootModulePool, launchSession, waitEntered } from './module-pool.mjs';
import { installVadTap } from './vad-tap.mjs';

async function memory() {
  globalThis.gc?.();
  await sleep(300);
  return treeMemory();
}

async function launchModule(sessions, audio, enterTimeoutMs) {
  const { pool, reportFile } = await bootModulePool();
  const before = await memory();
  // One after another, as assignments arrive: their audio clocks start staggered.
  for (let i = 0; i < sessions; i++) await launchSession(pool, audio, reportFile);
  const entered = (await waitEntered(reportFile, sessions, enterTimeoutMs)).size;
  return { before, entered };
}

async function launchBare(sessions, audio, vad) {
  const bare = await bootBareSessions(vad);
  const before = await memory();
  for (let i = 0; i < sessions; i++) await bare.launch(audio);
  return { before, entered: sessions };
}

/** @param tap false: no VAD-lag instrumentation (to check what the instrumentation itself costs) */
export async function run({ impl = 'module', vad, sessions, audio, warmupMs, windowMs, enterTimeoutMs, tap = true }) {
  if (tap) installVadTap();
  const started = performance.now();
  const { before, entered } = impl === 'bare' ? await launchBare(sessions, audio, vad) : await launchModule(sessions, audio, enterTimeoutMs);
  const startSeconds = round((performance.now() - started) / 1000, 1); // boot, launch, every session entered
  await sleep(warmupMs);
  const stop = startLoadWindow();
  await sleep(windowMs);
  const window = stop(sessions);
  const after = await memory();
  return {
    impl,
    vad,
    ...window,
    entered,
    startSeconds,
    memory: {
      pssBeforeMiB: round(before.pssMiB, 1),
      pssAfterMiB: round(after.pssMiB, 1),
      perSessionPssMiB: round((after.pssMiB - before.pssMiB) / sessions, 2),
      perSessionPssAnonMiB: round((after.pssAnonMiB - before.pssAnonMiB) / sessions, 2),
      perSessionRssMiB: round((after.rssMiB - before.rssMiB) / sessions, 2),
    },
  };
}
