import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../../', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment of a user's shell: none of jest's flags, none of this machine's OpenRTC or LiveKit settings. */
export function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) {
    if (name === 'NODE_OPTIONS' || /^(OPENRTC|LIVEKIT|ONNXRUNTIME)_/.test(name) || /^npm_/i.test(name)) delete env[name];
  }
  return env;
}

export function run(command: string, args: string[], cwd: string, timeout = 300_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env: userEnv(), timeout, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** `npm pack`s this package (its `prepare` is skipped: dist/ is what `npm run build` made) into `dir`. */
export async function pack(dir: string): Promise<string> {
  const { code, stdout, stderr } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], root);
  if (code !== 0) throw new Error(`npm pack failed: ${stderr}`);
  const [{ filename }] = JSON.parse(stdout) as Array<{ filename: string }>;
  return join(dir, filename.replace(/^@/, '').replace(/\//, '-'));
}

/** A fenced block of a README section (`## title`), the n-th of its language. */
export function readmeBlock(title: string, lang: string, n = 0): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  if (start === -1) throw new Error(`README has no section '${title}'`);
  const end = readme.indexOf('\n## ', start + 4);
  const blocks = [...readme.slice(start, end === -1 ? undefined : end).matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))];
  if (!blocks[n]) throw new Error(`README section '${title}' has no ${lang} block #${n}`);
  return blocks[n]![1]!;
}

/** The Install section's `npm install` line, as arguments, with the package name pointing at the tarball. */
export function readmeInstallArgs(tarball: string): string[] {
  const line = readmeBlock('Install', 'bash').split('\n').find((text) => text.startsWith('npm install '));
  if (!line) throw new Error("README's Install section has no `npm install` line");
  return line.replace(/#.*$/, '').trim().split(/\s+/).slice(1).map((arg) => (arg === '@openrtc/nestjs' ? tarball : arg));
}

/**
 * What the fresh apps run, from the packed package: the README quick start's agents tested with
 * the testing kit, then on simulated calls (text turns and the shipped recording) with scripted
 * providers instead of keys, then `vad: 'silero'` without the optional plugin. Prints one JSON line.
 */
export const SMOKE_SOURCE = `import 'reflect-metadata';
import { Test } from '@nestjs/testing';
import { AgentPool, OPENRTC_MODULE_OPTIONS } from '@openrtc/nestjs';
import { ScriptedLLM, ScriptedSTT, createAgentTestSession, speechSamplePath } from '@openrtc/nestjs/testing';
import { AppModule } from './app.module.js';

async function main(): Promise<void> {
  const report: Record<string, unknown> = {};
  const kitModule = await Test.createTestingModule({ imports: [AppModule] }).compile();
  const call = await createAgentTestSession(kitModule, 'dental', { llm: new ScriptedLLM({ reply: (_outputs, text) => 'Booked: ' + text }) });
  const result = await call.run('A cleaning on Monday.');
  result.expect.nextEvent().isMessage({ role: 'assistant' });
  result.expect.noMoreEvents();
  report.kit = result.events.map((event) => (event.type === 'message' ? event.item.textContent : event.type));
  await call.close();
  await kitModule.close();

  const scripted = { stt: () => new ScriptedSTT('I would like to book.'), llm: () => new ScriptedLLM({ reply: (_outputs, text) => 'You said: ' + text }) };
  const sim = await Test.createTestingModule({ imports: [AppModule] })
    .overrideProvider(OPENRTC_MODULE_OPTIONS).useValue({ autoStart: false, agents: { restaurant: scripted, dental: scripted } })
    .compile();
  await sim.init();
  const pool = sim.get(AgentPool);
  await pool.start({ connect: false });
  const calls: Record<string, unknown> = {};
  for (const agent of ['restaurant', 'dental']) {
    const text = await pool.simulateSession({ agent, turns: ['Hello there.'] });
    const audio = await pool.simulateSession({ agent, audio: speechSamplePath() });
    calls[agent] = { text: await text.answered, audio: await audio.answered, outcomes: [(await text.end()).status, (await audio.end()).status] };
  }
  report.calls = calls;
  await sim.close();

  const silero = await Test.createTestingModule({ imports: [AppModule] })
    .overrideProvider(OPENRTC_MODULE_OPTIONS).useValue({ autoStart: false, vad: 'silero' })
    .compile();
  await silero.init();
  report.silero = await silero.get(AgentPool).start({ connect: false }).then(() => 'started', (error: Error) => error.message);
  await silero.close();
  console.log(JSON.stringify(report));
}

main().then(() => process.exit(0), (error) => {
  console.error(error);
  process.exit(1);
});
`;

export interface FreshApp {
  dir: string;
  install: Run;
}

/**
 * A fresh Nest app in `dir`: its own Nest (`nest`), TypeScript and @nestjs/testing from the registry,
 * then the README's Install line (no flags), then the README quick start as src/app.module.ts and
 * the smoke script, compiled with tsc.
 */
export async function createFreshApp(dir: string, tarball: string, flavour: { type: 'module' | 'commonjs'; nest: string[]; tsconfig: object }): Promise<FreshApp> {
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'fresh-app', version: '1.0.0', private: true, type: flavour.type }, null, 2));
  const base = await run('npm', ['install', '--no-audit', '--no-fund', ...flavour.nest], dir);
  if (base.code !== 0) throw new Error(`installing the app's own Nest failed: ${base.stderr}`);
  const install = await run('npm', readmeInstallArgs(tarball), dir);
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(flavour.tsconfig, null, 2));
  writeFileSync(join(dir, 'src/app.module.ts'), readmeBlock('Quick start', 'ts'));
  writeFileSync(join(dir, 'src/smoke.ts'), SMOKE_SOURCE);
  return { dir, install };
}
