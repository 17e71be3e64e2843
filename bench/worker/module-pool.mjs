// Boots the benchmark app (bench/app) and its AgentPool without LiveKit, and launches sessions
// the way the issue measures them: through pool.simulateSession, i.e. launchJob.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { hrEpoch, sleep } from '../lib/stats.mjs';

export async function bootModulePool() {
  const { BenchAppModule } = await import('../app/bench-app.module.mjs');
  const { AgentPool } = await import('../app/package.mjs');
  const app = await NestFactory.createApplicationContext(BenchAppModule, { logger: ['error', 'fatal'] });
  const pool = app.get(AgentPool);
  await pool.start({ connect: false });
  const dir = mkdtempSync(join(tmpdir(), 'openrtc-bench-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return { app, pool, reportFile: join(dir, 'entered.jsonl') };
}

/** Starts one session hearing `audio`; `launchedAt` is taken right before launchJob. */
export async function launchSession(pool, audio, reportFile) {
  const launchedAt = hrEpoch();
  const session = await pool.simulateSession({ agent: 'listener', audio, metadata: { reportFile } });
  return { session, launchedAt };
}

/** The agents' onEnter reports so far ({ jobId, pid, enteredAt }), by job id. */
export function enteredReports(reportFile) {
  if (!existsSync(reportFile)) return new Map();
  const lines = readFileSync(reportFile, 'utf8').split('\n').filter(Boolean);
  return new Map(lines.map((line) => JSON.parse(line)).map((report) => [report.jobId, report]));
}

/** Waits until `count` sessions have entered, or the timeout; returns the reports seen. */
export async function waitEntered(reportFile, count, timeoutMs) {
  const deadline = performance.now() + timeoutMs;
  let reports = enteredReports(reportFile);
  while (reports.size < count && performance.now() < deadline) {
    await sleep(100);
    reports = enteredReports(reportFile);
  }
  return reports;
}
