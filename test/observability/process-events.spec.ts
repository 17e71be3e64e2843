import { existsSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { initializeLogger } from '@livekit/agents';
import { AgentPool } from '@openrtc/nestjs';
import { until } from '../support/until.js';

const APP = fileURLToPath(new URL('../fixtures/process-app/events-app.module.mjs', import.meta.url));

type Entry = { pid: number; event: string; jobId: string; [key: string]: unknown };

// The parent loads the built package (the fixture imports it by name). `npm test` builds before jest runs.
describe('process isolation: session events and @InjectAgentSession()', () => {
  let app: INestApplicationContext | undefined;
  let file = '';
  const entries = (): Entry[] => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line)) : []);
  beforeAll(() => initializeLogger({ pretty: false, level: 'fatal' }));
  afterEach(async () => {
    await app?.close();
    rmSync(file, { force: true });
  });

  it('handlers run in the worker, told by the child over IPC; the session-scoped service in the child gets the live AgentSession', async () => {
    const { EventsAppModule, eventsFile } = await import(APP);
    file = eventsFile(process.pid);
    rmSync(file, { force: true });
    app = await NestFactory.createApplicationContext(EventsAppModule, { logger: false });
    const pool = app.get(AgentPool) as AgentPool;
    await pool.start({ connect: false });
    const call = await pool.simulateSession({ agent: 'desk', roomName: 'front', metadata: { visitor: 'ada' } });
    await call.started;
    await until(() => entries().some((e) => e.event === 'start'), 60_000, 'the start event');
    const start = entries().find((e) => e.event === 'start')!;
    expect(start).toEqual({ pid: process.pid, event: 'start', jobId: call.jobId, agentName: 'desk', roomName: 'front', metadata: { visitor: 'ada', agent: 'desk' } });
    const tracker = entries().find((e) => e.event === 'tracker')!;
    expect(tracker).toMatchObject({ jobId: call.jobId, isAgentSession: true });
    expect(tracker.pid).not.toBe(process.pid);
    // The child's session state reaches the worker's snapshot.
    await until(() => entries().some((e) => e.event === 'state' && e.state === 'listening'), 60_000, 'the agent to listen');
    await until(() => pool.snapshot().sessions[0]?.state === 'listening', 60_000, 'the snapshot to show the state');
    expect(pool.snapshot().sessions).toEqual([expect.objectContaining({ jobId: call.jobId, agentName: 'desk', roomName: 'front', simulated: true })]);

    expect((await call.end()).status).toBe('success');
    await until(() => entries().some((e) => e.event === 'end'), 60_000, 'the end event');
    expect(entries().find((e) => e.event === 'end')).toMatchObject({ pid: process.pid, jobId: call.jobId, status: 'success' });
    expect(entries().filter((e) => e.event === 'start' || e.event === 'end').every((e) => e.pid === process.pid)).toBe(true);
    expect(pool.snapshot().sessions).toEqual([]);
  }, 180_000);
});
