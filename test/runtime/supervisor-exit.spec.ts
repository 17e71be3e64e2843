import { fileURLToPath } from 'node:url';
import { runFixture } from '../support/fixture-process.js';

const WORKER = fileURLToPath(new URL('../fixtures/failing-worker.mjs', import.meta.url));

// The default failure handler in a real process (jest's `process` is a copy): after
// consecutiveFailureLimit failed sessions it drains, and the process ends non-zero so the
// platform restarts it.
describe('the supervisor default', () => {
  it('ends the worker process non-zero after consecutiveFailureLimit failures', async () => {
    const { output, code, signal } = await runFixture(WORKER, { guardMs: 45_000 });
    expect(output.trim().split('\n').map((line) => JSON.parse(line))).toEqual([{ call: 1, status: 'failed' }, { call: 2, status: 'failed' }]);
    expect(signal).not.toBe('SIGKILL'); // it ended itself, not our 45 s guard
    expect(code === 0 && signal === null).toBe(false);
  });
});
