import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const WORKER = fileURLToPath(new URL('../fixtures/closed-worker.mjs', import.meta.url));

// A real node process (jest's own handles would hide the worker's): once app.close() resolves,
// nothing of the worker keeps the process alive, so it exits by itself.
describe('app.close() after a session has run', () => {
  it('resolves once the worker holds no handle or timer: the process exits by itself', async () => {
    const child = spawn(process.execPath, [WORKER], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const guard = setTimeout(() => child.kill('SIGKILL'), 90_000);
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
    clearTimeout(guard);
    expect(JSON.parse(output.trim())).toEqual({ status: 'success', left: [] });
    expect([code, signal]).toEqual([0, null]);
  }, 100_000);
});
