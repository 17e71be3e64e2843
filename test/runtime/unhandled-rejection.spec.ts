import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const WORKER = fileURLToPath(new URL('../fixtures/leaky-worker.mjs', import.meta.url));

// A real node process on the built package: jest gives tests a copy of `process` whose
// 'unhandledRejection' listeners never fire, so the guard can only be seen working outside it.
describe('coroutine isolation: an unhandled rejection inside one session', () => {
  it('marks that session FAILED, leaves its siblings running and the worker alive', () => {
    const output = execFileSync(process.execPath, [WORKER], { encoding: 'utf8', timeout: 60_000 });
    const result = JSON.parse(output.trim().split('\n').pop()!);
    expect(result).toEqual({ leaky: { status: 'failed', reason: 'unhandled rejection', error: 'stray rejection' }, activeAfterLeak: 2, steady: ['success', 'success'] });
  });
});
