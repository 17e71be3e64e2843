import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFreshApp, pack, run, type FreshApp } from './support/fresh-app.js';

// A newcomer's first hour, as a Nest 12 ESM app: `npm pack` this package, install it the README's
// way into a fresh app, compile the README quick start, test it with the testing kit and run its
// agents on simulated calls, with no keys and no server. Needs dist/ (`npm run build`; `npm test` does).
const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, experimentalDecorators: true,
    emitDecoratorMetadata: true, skipLibCheck: true, outDir: 'dist', rootDir: 'src', types: ['node'],
  },
  include: ['src'],
};

describe('a fresh Nest 12 ESM app, following the README', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'openrtc-esm-app-'));
  let app: FreshApp;
  let tarball: string;

  beforeAll(async () => {
    tarball = await pack(tmp);
    app = await createFreshApp(join(tmp, 'app'), tarball, {
      type: 'module',
      nest: ['@nestjs/common@^12', '@nestjs/core@^12', '@nestjs/testing@^12', 'reflect-metadata', 'rxjs', 'typescript@~6.0.3', '@types/node@^20'],
      tsconfig: TSCONFIG,
    });
  }, 900_000);

  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("installs with the Install section's command: no flag, no error, no Silero plugin or onnxruntime", () => {
    expect(app.install.stderr).not.toMatch(/npm error|ERR!/);
    expect(app.install.code).toBe(0);
    for (const name of ['@openrtc/nestjs', '@livekit/agents', '@livekit/rtc-node', '@livekit/protocol']) expect(existsSync(join(app.dir, 'node_modules', name))).toBe(true);
    expect(existsSync(join(app.dir, 'node_modules/@livekit/agents-plugin-silero'))).toBe(false);
    expect(existsSync(join(app.dir, 'node_modules/onnxruntime-node'))).toBe(false);
  });

  it('packs a LICENSE, the metadata, the shipped recording, an npm-ready README, and no CommonJS copy of the CLI', async () => {
    const { stdout } = await run('tar', ['-tzf', tarball], tmp);
    const files = stdout.split('\n').filter(Boolean);
    expect(files).toEqual(expect.arrayContaining(['package/LICENSE', 'package/README.md', 'package/assets/short-speech-16k.wav', 'package/dist/esm/cli/main.js', 'package/dist/cjs/testing/index.js', 'package/dist/esm/testing/index.js']));
    expect(files.filter((file) => file.startsWith('package/dist/cjs/cli/'))).toEqual([]);
    const installed = join(app.dir, 'node_modules/@openrtc/nestjs');
    const pkg = JSON.parse((await run('cat', ['package.json'], installed)).stdout);
    expect(pkg).toEqual(expect.objectContaining({ license: 'MIT', homepage: expect.stringMatching(/^https:\/\//), bugs: { url: expect.stringMatching(/^https:\/\//) } }));
    expect(pkg.repository.url).toMatch(/github\.com/);
    expect(pkg.keywords).toEqual(expect.arrayContaining(['nestjs', 'livekit']));
    expect((await run('cat', ['LICENSE'], installed)).stdout).toMatch(/^MIT License/);
    const readme = (await run('cat', ['README.md'], installed)).stdout;
    const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((match) => match[1]!);
    expect(images.filter((url) => !/^https:\/\//.test(url))).toEqual([]);
  });

  it('compiles the quick start; `openrtc list` shows both agents with an LLM and no warning', async () => {
    const tsc = await run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.'], app.dir);
    expect(tsc.stdout + tsc.stderr).toBe('');
    const list = await run(process.execPath, ['node_modules/@openrtc/nestjs/dist/esm/cli/main.js', 'list', '--app', 'dist/app.module.js', '--json'], app.dir);
    expect(list.stderr).not.toContain('warning');
    expect(list.code).toBe(0);
    const agents = JSON.parse(list.stdout).agents as Array<{ name: string; providers: { llm: string | null } }>;
    expect(agents.map((agent) => [agent.name, agent.providers.llm])).toEqual([['restaurant', 'openai/gpt-4.1-mini'], ['dental', 'openai/gpt-4.1-mini']]);
  }, 120_000);

  it("tests the quick start's agent with the testing kit and runs both on simulated calls, text and audio, without keys", async () => {
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
