import { fileURLToPath } from 'node:url';
import { runFixture } from '../support/fixture-process.js';

const WORKER = fileURLToPath(new URL('../fixtures/log-context-process-worker.mjs', import.meta.url));

// Process isolation: the agent's log line is written in the session's child process, and still
// names its call (the child enters the same per-call log context).
describe('per-call log context in process isolation', () => {
  it("prefixes the child's log lines with the call's agent, room and job", async () => {
    const { output, code } = await runFixture(WORKER, { guardMs: 90_000, stderr: 'merge' });
    const text = output.replace(/\x1b\[[0-9;]*m/g, '');
    const started = JSON.parse(text.split('\n').find((line) => line.includes('"started"'))!) as { jobId: string; pid: number };
    const line = text.split('\n').find((candidate) => candidate.includes('teller entered'));
    expect(line).toMatch(new RegExp(`\\[Teller\\] \\[teller room=vault-7 job=${started.jobId}\\] teller entered in pid (\\d+)`));
    expect(line).not.toContain(`pid ${started.pid}`); // written by the child, not the worker
    expect(code).toBe(0);
  });
});
