import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { voice } from '@livekit/agents';
import { Agent, AgentPool, OpenRtcModule } from '@openrtc/nestjs';
import { ScriptedLLM } from '@openrtc/nestjs/testing';
import { MemoryWatch } from '../../lib/runtime/memory.watch.js';
import type { SessionRow } from '../../lib/runtime/snapshot.js';
import { startApp } from '../support/nest-app.js';
import { until } from '../support/until.js';

const MB = 1024 * 1024;
/** What one call holds while it runs: enough to cross a threshold set above the worker's RSS at boot. */
const HELD_MB = 300;
const held: Buffer[] = [];

@Agent({ name: 'teller', llm: new ScriptedLLM({ reply: 'ok' }) })
class TellerAgent extends voice.Agent {
  constructor() {
    super({ instructions: 'You count money.' });
  }

  override async onEnter(): Promise<void> {
    // Filled, so the pages are resident.
    if (held.length === 0) held.push(Buffer.alloc(HELD_MB * MB, 1));
  }
}

@Module({ providers: [TellerAgent] })
class TellerModule {}

// Coroutine isolation, on the worker's real RSS: a call that holds memory takes the worker across
// memoryWarnMB; the warning comes once, names the running call, and the worker keeps serving.
describe('memoryWarnMB in coroutine isolation', () => {
  afterAll(() => held.splice(0));

  it('warns once, naming the running sessions, and keeps serving', async () => {
    const warnMB = Math.round(process.memoryUsage.rss() / MB) + HELD_MB / 2;
    const { app, logger } = await startApp([OpenRtcModule.forRoot({ autoStart: false, turnDetection: 'vad', memoryWarnMB: warnMB }), TellerModule]);
    try {
      const pool = app.get(AgentPool);
      await pool.start({ connect: false });
      const call = await pool.simulateSession({ agent: 'teller', roomName: 'vault-2' });
      await call.started;
      const warnings = () => logger.messages('warn').filter((message) => message.includes(`above memoryWarnMB ${warnMB} `));
      await until(() => warnings().length > 0, 30_000);
      expect(warnings()[0]).toMatch(new RegExp(`^Worker memory \\d+ MB is above memoryWarnMB ${warnMB} \\(no memoryLimitMB is set\\)\\. Sessions \\(1, oldest first\\): 'teller' room=vault-2 job=${call.jobId} for \\d+s\\.$`));
      // Still serving: a second call runs to an answer.
      const second = await pool.simulateSession({ agent: 'teller', turns: ['hi'] });
      await expect(second.answered).resolves.toBe('ok');
      await second.end();
      await call.end();
      expect(pool.stats().draining).toBe(false);
      expect(warnings()).toHaveLength(1);
    } finally {
      await app.close();
    }
  });
});

describe('MemoryWatch crossings', () => {
  const session: SessionRow = { jobId: 'AJ_1', roomName: 'r', agentName: 'a', startedAt: Date.now(), state: 'active' };

  it('warns once per crossing of memoryWarnMB, re-arms below it, and acts once above memoryLimitMB', () => {
    let rss = 0;
    const overLimit: number[] = [];
    const watch = new MemoryWatch(100, 200, { sessions: () => [session], overLimit: (mb) => overLimit.push(mb) }, () => rss * 1024 * 1024);
    const warned: string[] = [];
    const errors: string[] = [];
    (watch as unknown as { logger: { warn: (m: string) => void; error: (m: string) => void } }).logger = { warn: (m) => warned.push(m), error: (m) => errors.push(m) };
    for (const mb of [50, 150, 160, 170]) (rss = mb), watch.check();
    expect(warned).toHaveLength(1);
    for (const mb of [90, 150]) (rss = mb), watch.check();
    expect(warned).toHaveLength(2);
    for (const mb of [250, 260]) (rss = mb), watch.check();
    expect(overLimit).toEqual([250]);
    expect(errors).toEqual([expect.stringMatching(/^Worker memory 250 MB is above memoryLimitMB 200: refusing new calls, draining .* Sessions \(1, oldest first\): 'a' room=r job=AJ_1/)]);
  });
});
