// Entry of a benchmark worker: a fresh Node process per measurement, so one run's heap, threads
// and backlog never leak into the next. Runs one scenario and sends its result over IPC.
import { initializeLogger } from '@livekit/agents';
import { processTree } from '../../scripts/process-tree.mjs';

const [scenario, params] = process.argv.slice(2);
// Before anything builds a VAD or a server; 'error' keeps a saturated Silero from flooding the pipe.
initializeLogger({ pretty: false, level: 'error' });

let message;
try {
  const { run } = await import(`./${scenario}.scenario.mjs`);
  message = { ok: true, result: await run(JSON.parse(params)) };
} catch (error) {
  message = { ok: false, error: error?.stack ?? String(error) };
}
// Whatever a scenario left running (session children, the inference process) ends with us.
for (const pid of processTree().slice(1).reverse()) {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
process.send(message, () => process.exit(0));
