import { fileURLToPath } from 'node:url';
import { runFixture } from '../support/fixture-process.js';

const WORKER = fileURLToPath(new URL('../fixtures/closed-worker.mjs', import.meta.url));

// A real node process (jest's own handles would hide the worker's): once app.close() resolves,
// nothing of the worker keeps the process alive, so it exits by itself.
describe('app.close() after a session has run', () => {
  it('resolves once the worker holds no handle or timer: the process exits by itself', async () => {
    const { output, code, signal } = await runFixture(WORKER, { guardMs: 90_000 });
    expect(JSON.parse(output.trim())).toEqual({ status: 'success', left: [] });
    expect([code, signal]).toEqual([0, null]);
  }, 100_000);
});
