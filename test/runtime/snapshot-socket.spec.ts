import 'reflect-metadata';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { voice } from '@livekit/agents';
import { Agent, AgentPool, OpenRtcModule } from '@openrtc/nestjs';
import { ScriptedLLM } from '@openrtc/nestjs/testing';
import { startApp } from '../support/nest-app.js';

@Agent({ name: 'porter', llm: new ScriptedLLM({ reply: 'ok' }) })
class PorterAgent extends voice.Agent {
  constructor() {
    super({ instructions: 'You carry bags.' });
  }
}

@Module({ providers: [PorterAgent] })
class PorterModule {}

const imports = () => [OpenRtcModule.forRoot({ autoStart: false, turnDetection: 'vad' }), PorterModule];

// The worker's side of `openrtc top`: the socket exists while the worker runs and is gone after
// close; a symlinked socket directory is refused with a warning and the worker serves on.
describe('the snapshot socket', () => {
  let scratch: string;
  const saved = process.env.XDG_RUNTIME_DIR;
  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'openrtc-socket-'));
    process.env.XDG_RUNTIME_DIR = scratch;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.XDG_RUNTIME_DIR;
    else process.env.XDG_RUNTIME_DIR = saved;
    rmSync(scratch, { recursive: true, force: true });
  });

  it('lives from start to close', async () => {
    const { app } = await startApp(imports());
    const sockets = () => readdirSync(join(scratch, 'openrtc')).filter((name) => name.endsWith('.sock'));
    try {
      await app.get(AgentPool).start({ connect: false });
      expect(sockets()).toEqual([expect.stringMatching(new RegExp(`^${process.pid}(-\\d+)?\\.sock$`))]);
    } finally {
      await app.close();
    }
    expect(sockets()).toEqual([]);
  });

  it('refuses a symlinked directory, and the worker serves on', async () => {
    mkdirSync(join(scratch, 'elsewhere'));
    symlinkSync(join(scratch, 'elsewhere'), join(scratch, 'openrtc'));
    const { app, logger } = await startApp(imports());
    try {
      const pool = app.get(AgentPool);
      await pool.start({ connect: false });
      expect(logger.messages('warn')).toContain(
        `No socket for \`openrtc top\`: ${join(scratch, 'openrtc')} is a symbolic link; refusing it as the openrtc socket directory. Remove it (or set OPENRTC_TOP_SOCKET).`,
      );
      expect(readdirSync(join(scratch, 'elsewhere'))).toEqual([]);
      const call = await pool.simulateSession({ agent: 'porter', turns: ['hi'] });
      await expect(call.answered).resolves.toBe('ok');
      await call.end();
    } finally {
      await app.close();
    }
  });
});
