import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pack, readmeInstallArgs, run, type Run } from './support/fresh-app.js';

// pnpm links only what a package declares (no hoisting): an import of an undeclared package, such as
// @livekit/protocol before it was declared, fails there with "Cannot find package". pnpm comes from npm.
const PNPM = 'pnpm@10';

const APP = `import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { voice } from '@livekit/agents';
import { Agent, AgentPool, OpenRtcModule } from '@openrtc/nestjs';
import { ScriptedLLM, speechSamplePath } from '@openrtc/nestjs/testing';

class DeskAgent extends voice.Agent {
  constructor() { super({ instructions: 'desk' }); }
}
Agent({ name: 'desk', llm: new ScriptedLLM({ reply: (_outputs, text) => 'Heard: ' + text }) })(DeskAgent);
class AppModule {}
Module({ imports: [OpenRtcModule.forRoot({ autoStart: false })], providers: [DeskAgent] })(AppModule);

const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error'] });
const pool = app.get(AgentPool);
await pool.start({ connect: false });
const call = await pool.simulateSession({ agent: 'desk', turns: ['Hello'] });
const answer = await call.answered;
const outcome = await call.end();
await app.close();
console.log(JSON.stringify({ answer, status: outcome.status, sample: speechSamplePath().endsWith('short-speech-16k.wav') }));
process.exit(0);
`;

describe('a strict pnpm install (no hoisting)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'openrtc-pnpm-app-'));
  const dir = join(tmp, 'app');
  let install: Run;

  beforeAll(async () => {
    const tarball = await pack(tmp);
    mkdirSync(dir);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'pnpm-app', version: '1.0.0', private: true, type: 'module' }));
    writeFileSync(join(dir, 'main.mjs'), APP);
    // The README's packages, plus the app's own Nest 12, in one pnpm add.
    install = await run('npx', ['--yes', PNPM, 'add', '--config.node-linker=isolated', '--config.shamefully-hoist=false', ...readmeInstallArgs(tarball),
      '@nestjs/common@^12', '@nestjs/core@^12', 'reflect-metadata', 'rxjs'], dir, 600_000);
  }, 700_000);

  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("installs the README's packages and the package runs a simulated call with only what it declares", async () => {
    expect(install.stderr).not.toMatch(/ERR_PNPM/);
    expect(install.code).toBe(0);
    const main = await run(process.execPath, ['main.mjs'], dir, 180_000);
    expect(main.stderr).not.toMatch(/Cannot find (package|module)/);
    expect(main.code).toBe(0);
    expect(JSON.parse(main.stdout.trim().split('\n').pop()!)).toEqual({ answer: 'Heard: Hello', status: 'success', sample: true });
  }, 200_000);
});
