import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { initializeLogger } from '@livekit/agents';
import { AgentPool } from '@openrtc/nestjs';
import { RecordingLogger } from '../support/recording-logger.js';
import { sessionProcesses } from '../support/session-processes.js';
import { until } from '../support/until.js';

const SPEECH = fileURLToPath(new URL('../../assets/speech-16k.wav', import.meta.url));
const APP = fileURLToPath(new URL('../fixtures/process-app/reporting-app.module.mjs', import.meta.url));
const PLAIN_APP = fileURLToPath(new URL('../fixtures/process-app/app.module.mjs', import.meta.url));

/** This process's session children. */
const jobChildren = () => sessionProcesses(process.pid);

type Report = { pid: number; jobId: string; event: string; role?: string; text?: string };
const readReports = (file: string): Report[] =>
  existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line)) : [];

// The parent loads the built package too (the fixture imports it by name), so parent and children
// share one copy of @nestjs/core and @livekit/agents. `npm test` builds before jest runs.
describe('process isolation: simulated sessions', () => {
  let app: INestApplicationContext;
  beforeAll(() => initializeLogger({ pretty: false, level: 'fatal' }));
  afterEach(async () => app?.close());

  it('runs each session in its own child process, with DI, real VAD on real speech, and the greeting', async () => {
    const { AppModule } = await import(APP);
    app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    const pool = app.get(AgentPool) as AgentPool;
    await pool.start({ connect: false });
    const dir = mkdtempSync(join(tmpdir(), 'openrtc-process-'));
    const files = [join(dir, 'a.jsonl'), join(dir, 'b.jsonl')];
    const sessions = await Promise.all(files.map((reportFile) => pool.simulateSession({ agent: 'clinic', audio: SPEECH, metadata: { reportFile } })));
    const latencies = await Promise.all(sessions.map((session) => session.started));
    expect(latencies.every((ms) => ms > 0)).toBe(true);
    await until(() => files.every((file) => readReports(file).some((r) => r.event === 'user listening')), 90_000);
    const reports = files.map(readReports);
    const pids = reports.map((r) => r[0]!.pid);
    expect(new Set(pids).size).toBe(2);
    expect(pids).not.toContain(process.pid);
    reports.forEach((sessionReports, i) => {
      expect(sessionReports.every((r) => r.jobId === sessions[i]!.jobId)).toBe(true);
      expect(sessionReports.map((r) => r.event)).toEqual(expect.arrayContaining(['entered', 'user speaking', 'user listening']));
      expect(sessionReports).toContainEqual(expect.objectContaining({ event: 'item', role: 'assistant', text: 'Clinic here, how can I help?' }));
    });
    const outcomes = await Promise.all(sessions.map((session) => session.end()));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['success', 'success']);
    expect(pool.stats()).toMatchObject({ isolation: 'process', prewarmCount: 2, activeSessions: 0, succeeded: 2 });
  });

  // Upstream forks the next child only once the one before has booted (~2 s of CPU each): a burst of
  // calls on a machine with idle cores would wait in line. Ordered by events, not by a window: the
  // second child was forked before the first had booted.
  (availableParallelism() > 1 ? it : it.skip)('boots its warm children side by side, one per CPU', async () => {
    const { BootLogAppModule, bootLogFile } = await import(PLAIN_APP);
    const log = bootLogFile(process.pid);
    rmSync(log, { force: true });
    try {
      app = await NestFactory.createApplicationContext(BootLogAppModule, { logger: false });
      await (app.get(AgentPool) as AgentPool).start({ connect: false });
      const booted = () => readReports(log) as unknown as Array<{ pid: number; bootedAtTicks: number }>;
      await until(() => jobChildren().length >= 2 && booted().length >= 1, 60_000, 'two children, one of them booted');
      const [first, second] = jobChildren().sort((a, b) => a.forkedAtTicks - b.forkedAtTicks);
      await until(() => booted().some((r) => r.pid === first!.pid), 60_000, 'the first child to boot');
      const firstBooted = booted().find((r) => r.pid === first!.pid)!;
      expect(second!.forkedAtTicks).toBeLessThan(firstBooted.bootedAtTicks);
    } finally {
      rmSync(log, { force: true });
    }
  });

  it('keeps idleProcesses children booted and waiting, no more', async () => {
    const { WarmAppModule, bootLogFile } = await import(PLAIN_APP);
    const log = bootLogFile(process.pid);
    rmSync(log, { force: true });
    try {
      app = await NestFactory.createApplicationContext(WarmAppModule, { logger: false });
      const pool = app.get(AgentPool) as AgentPool;
      await pool.start({ connect: false });
      const bootedChildren = () => {
        const booted = new Set(readReports(log).map((r) => r.pid));
        return jobChildren().filter((child) => booted.has(child.pid));
      };
      await until(() => bootedChildren().length === 3, 60_000, 'three booted children');
      // All three slots hold a booted child and no call took one: upstream has no slot to fork into.
      expect(jobChildren()).toHaveLength(3);
      expect(pool.stats()).toMatchObject({ activeSessions: 0 });
    } finally {
      rmSync(log, { force: true });
    }
  });

  it('kills a child that misses processBootTimeout, says so, and boots another (upstream alone says nothing)', async () => {
    const { HastyAppModule } = await import(PLAIN_APP);
    const logger = new RecordingLogger();
    app = await NestFactory.createApplicationContext(HastyAppModule, { logger });
    await app.get(AgentPool).start({ connect: false });
    const failures = () => logger.messages('error').filter((message) => message.startsWith('A session process failed to boot'));
    await until(() => failures().length >= 2, 60_000);
    expect(failures()[0]).toBe(
      'A session process failed to boot and was replaced: runner initialization timed out. Calls wait until a child boots. ' +
        "If this repeats, raise OpenRtcModule option 'processBootTimeout' (now 0.2 s) or lower 'idleProcesses', or look for an error the child printed above.",
    );
    // Each one was killed at its deadline: never more than the one warm slot is booting.
    expect(jobChildren().length).toBeLessThanOrEqual(1);
  });
});
