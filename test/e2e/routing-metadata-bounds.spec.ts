import 'reflect-metadata';
import { jest } from '@jest/globals';
import type { TestingModule } from '@nestjs/testing';
import { initializeLogger } from '@livekit/agents';
import { AgentPool, OpenRtcModule } from '@openrtc/nestjs';
import { RoutingModule } from '../fixtures/routing.fixture.js';
import type { RecordingLogger } from '../support/recording-logger.js';
import { startApp } from '../support/nest-app.js';

const KIB = 1024;
/** A JSON object naming `agent`, padded to `bytes` bytes. */
const metadataOf = (agent: string, bytes: number) => {
  const head = JSON.stringify({ agent, pad: '' });
  return JSON.stringify({ agent, pad: 'x'.repeat(bytes - head.length) });
};

// LiveKit refuses metadata over 512 KiB server-side; the worker treats anything larger as absent
// (it cannot have come from LiveKit) and parses each job's metadata once.
describe('job metadata: bounded and parsed once per job', () => {
  let app: TestingModule;
  let logger: RecordingLogger;
  beforeAll(() => initializeLogger({ pretty: false, level: 'fatal' }));
  beforeEach(async () => {
    ({ app, logger } = await startApp([OpenRtcModule.forRoot({ autoStart: false, turnDetection: 'none' }), RoutingModule]));
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await app.close();
  });

  it('metadata up to 512 KiB routes; over it, it reads as absent, with one warning', async () => {
    const pool = app.get(AgentPool);
    expect(await pool.resolve({ id: 'AJ_fits', metadata: metadataOf('billing', 512 * KIB) })).toMatchObject({ via: 'job metadata', agent: { name: 'billing' } });
    const oversize = { id: 'AJ_big', metadata: metadataOf('billing', 512 * KIB + 1), room: { name: 'lobby' } };
    expect(await pool.resolve(oversize)).toMatchObject({ via: 'default', agent: { name: 'restaurant' } });
    expect(await pool.resolve(oversize)).toMatchObject({ via: 'default' });
    expect(logger.messages('warn')).toEqual([
      "Job 'AJ_big': its job metadata is 524289 bytes, over LiveKit's limit of 524288 (512 KiB): treating it as absent (no routing signal, no session metadata).",
    ]);
  });

  it('a simulated session parses its metadata once, from the check before launch to the agent\'s session info', async () => {
    const pool = app.get(AgentPool);
    await pool.start({ connect: false });
    const parse = jest.spyOn(JSON, 'parse');
    const session = await pool.simulateSession({ agent: 'billing', metadata: { tier: 'gold', ticket: 'T-81723' } });
    await session.started;
    await session.end();
    const text = JSON.stringify({ tier: 'gold', ticket: 'T-81723', agent: 'billing' });
    expect(parse.mock.calls.filter(([arg]) => arg === text)).toHaveLength(1);
  });
});
