import { fileURLToPath } from 'node:url';
import { runFixture } from '../support/fixture-process.js';

const WORKER = fileURLToPath(new URL('../fixtures/memory-limit-worker.mjs', import.meta.url));

// In a real worker process (jest's `process` is a copy): a call takes the worker's RSS over
// memoryLimitMB; the worker logs it, refuses new calls, drains (the call is cancelled after
// drainTimeout), and the process ends non-zero for the platform to restart it.
describe('memoryLimitMB in coroutine isolation', () => {
  it('drains and ends the worker process non-zero', async () => {
    const { output, code, signal } = await runFixture(WORKER, { guardMs: 60_000, stderr: 'merge' });
    const records = output.trim().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
    const started = records.find((record) => record.test === 'started');
    expect(started).toBeDefined();
    const limitError = records.find((record) => record.level === 'error' && String(record.message).includes('above memoryLimitMB'));
    expect(String(limitError?.message)).toMatch(new RegExp(`^Worker memory \\d+ MB is above memoryLimitMB ${started!.limit}: refusing new calls, draining .* 'hoarder' room=big-room job=${started!.jobId} `));
    expect(records).toContainEqual({ test: 'draining', refused: 'The worker is draining; it takes no new sessions.' });
    expect(records).toContainEqual(expect.objectContaining({ test: 'outcome', status: 'failed' }));
    expect(signal).not.toBe('SIGKILL'); // it ended itself, not our guard
    // Nest's shutdown hook re-raises SIGTERM after closing the app, so the status is the signal's
    // (143 to a shell); without a hook the process exits with code 1.
    expect([[1, null], [null, 'SIGTERM']]).toContainEqual([code, signal]);
  });
});
