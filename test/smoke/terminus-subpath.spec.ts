import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

// `@openrtc/nestjs/terminus` needs @nestjs/terminus (an optional peer); the main entry must load
// neither it nor prom-client, so an app without them runs. Loads the built package in child processes.
const root = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

async function node(args: string[]): Promise<unknown> {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const { stdout } = await run(process.execPath, args, { cwd: root, env, timeout: 50_000 });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

describe('packaging: the @openrtc/nestjs/terminus subpath', () => {
  beforeAll(() => {
    for (const entry of ['dist/cjs/health/index.js', 'dist/esm/health/index.js']) {
      if (!existsSync(join(root, entry))) throw new Error(`${entry} is missing: run \`npm run build\` first (\`npm test\` does).`);
    }
  });

  it('require() and import() resolve it to OpenRtcHealthIndicator', async () => {
    const cjs = await node(['-e', "const m = require('@openrtc/nestjs/terminus'); console.log(JSON.stringify({ names: Object.keys(m), file: require.resolve('@openrtc/nestjs/terminus') }))"]);
    const esm = await node(['--input-type=module', '-e', "const m = await import('@openrtc/nestjs/terminus'); console.log(JSON.stringify({ names: Object.keys(m), file: import.meta.resolve('@openrtc/nestjs/terminus') }))"]);
    expect(cjs).toEqual({ names: ['OpenRtcHealthIndicator'], file: join(root, 'dist/cjs/health/index.js') });
    expect(esm).toEqual({ names: ['OpenRtcHealthIndicator'], file: `file://${join(root, 'dist/esm/health/index.js')}` });
  });

  it('the main entry loads neither @nestjs/terminus nor prom-client', async () => {
    const loaded = await node(['-e', "require('@openrtc/nestjs'); console.log(JSON.stringify(Object.keys(require.cache).filter((f) => /[\\\\/](@nestjs[\\\\/]terminus|prom-client)[\\\\/]/.test(f))))"]);
    expect(loaded).toEqual([]);
  });
});
