import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const WORKER = fileURLToPath(new URL('../fixtures/sigterm-worker.mjs', import.meta.url));

// A real signal to a real process (jest's `process` is a copy): with app.enableShutdownHooks(),
// SIGTERM drains the in-flight calls before the process exits.
describe('SIGTERM with enableShutdownHooks()', () => {
  it('lets three in-flight sessions finish before the process exits', async () => {
    const child = spawn(process.execPath, [WORKER], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines: Array<Record<string, unknown>> = [];
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n').filter(Boolean)) {
        const record = JSON.parse(line);
        lines.push(record);
        if (record.ready) {
          child.kill('SIGTERM');
        }
      }
    });
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
    expect(lines[0]).toMatchObject({ active: 3 });
    const ended = lines.filter((record) => record.ended);
    // Each call ended by itself (the caller hung up) after the signal: drained, not cut off by the shutdown.
    expect(ended.map((record) => [record.status, record.reason])).toEqual(Array(3).fill(['success', 'caller hung up']));
    expect(code === 0 || signal === 'SIGTERM').toBe(true);
  });
});
