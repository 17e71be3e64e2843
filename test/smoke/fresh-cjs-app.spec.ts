import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFreshApp, pack, run, type FreshApp } from './support/fresh-app.js';

// The same first hour as fresh-esm-app.spec.ts, as a Nest 11 CommonJS app: Nest 11, @nestjs/testing 11
// and TypeScript 5.9 come from the registry, the package from its packed tarball.
const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022', module: 'node16', moduleResolution: 'node16', strict: true, experimentalDecorators: true,
    emitDecoratorMetadata: true, skipLibCheck: true, outDir: 'dist', rootDir: 'src', types: ['node'],
  },
  include: ['src'],
};

describe('a fresh Nest 11 CommonJS app, following the README', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'openrtc-cjs-app-'));
  let app: FreshApp;

  beforeAll(async () => {
    app = await createFreshApp(join(tmp, 'app'), await pack(tmp), {
      type: 'commonjs',
      nest: ['@nestjs/common@^11', '@nestjs/core@^11', '@nestjs/testing@^11', 'reflect-metadata', 'rxjs', 'typescript@~5.9.3', '@types/node@^20'],
      tsconfig: TSCONFIG,
    });
  }, 900_000);

  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("installs with the Install section's command, no flag, no error, next to the app's Nest 11", async () => {
    expect(app.install.stderr).not.toMatch(/npm error|ERR!/);
    expect(app.install.code).toBe(0);
    expect(existsSync(join(app.dir, 'node_modules/@livekit/agents-plugin-silero'))).toBe(false);
    const core = JSON.parse((await run('cat', ['node_modules/@nestjs/core/package.json'], app.dir)).stdout);
    expect(core.version).toMatch(/^11\./);
  });

  it('compiles the quick start to CommonJS; `openrtc list` shows both agents with an LLM and no warning', async () => {
    const tsc = await run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.'], app.dir);
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect((await run('head', ['-c', '200', 'dist/app.module.js'], app.dir)).stdout).toContain('"use strict"');
    const list = await run(process.execPath, ['node_modules/@openrtc/nestjs/dist/esm/cli/main.js', 'list', '--app', 'dist/app.module.js', '--json'], app.dir);
    expect(list.stderr).not.toContain('warning');
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout).agents.map((agent: { name: string }) => agent.name)).toEqual(['restaurant', 'dental']);
  }, 120_000);

  it("tests the quick start's agent with the testing kit (require) and runs both on simulated calls, without keys", async () => {
    const smoke = await run(process.execPath, ['dist/smoke.js'], app.dir, 180_000);
    expect(smoke.stderr).not.toMatch(/Error/);
    expect(smoke.code).toBe(0);
    const report = JSON.parse(smoke.stdout.trim().split('\n').pop()!);
    expect(report.kit).toEqual(['Booked: A cleaning on Monday.']);
    for (const agent of ['restaurant', 'dental']) {
      expect(report.calls[agent]).toEqual({ text: 'You said: Hello there.', audio: 'You said: I would like to book.', outcomes: ['success', 'success'] });
    }
    expect(report.silero).toBe("vad: 'silero' needs @livekit/agents-plugin-silero, which is not installed. Run: npm install @livekit/agents-plugin-silero@~1.9.0");
  }, 200_000);
});
