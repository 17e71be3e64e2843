import 'reflect-metadata';
import { ConsoleLogger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AgentPool, OpenRtcModule } from '@openrtc/nestjs';
import { CashierModule, logOutsideSession } from '../fixtures/log-context.fixture.js';
import { RecordingLogger } from '../support/recording-logger.js';
import { captureOutput } from '../support/stdout-capture.js';

const stripColors = (line: string) => line.replace(/\x1b\[[0-9;]*m/g, '');

async function runCall(configure: (app: Awaited<ReturnType<ReturnType<typeof Test.createTestingModule>['compile']>>) => void): Promise<string> {
  const app = await Test.createTestingModule({ imports: [OpenRtcModule.forRoot({ autoStart: false, turnDetection: 'vad', logLevel: 'debug' }), CashierModule] }).compile();
  configure(app);
  await app.init();
  const pool = app.get(AgentPool);
  await pool.start({ connect: false });
  logOutsideSession();
  const call = await pool.simulateSession({ agent: 'cashier', roomName: 'shop-7', turns: ['hello'] });
  await call.answered;
  await call.end();
  await app.close();
  return call.jobId;
}

// Text logging: the call's lines get a short prefix naming the agent, room and job; others none.
describe('per-call log context in text logging', () => {
  it("prefixes the lines of a call written through Nest's ConsoleLogger", async () => {
    const capture = captureOutput();
    let jobId = '';
    try {
      jobId = await runCall((app) => app.useLogger(new ConsoleLogger()));
    } finally {
      capture.restore();
    }
    const lines = capture.lines.map(stripColors);
    const prefix = `[cashier room=shop-7 job=${jobId}] `;
    expect(lines.find((line) => line.includes('caller entered'))).toContain(`[Cashier] ${prefix}caller entered`);
    expect(lines.find((line) => line.includes('charged 42'))).toContain(`[Billing] ${prefix}charged 42`);
    expect(lines.find((line) => line.includes('static warning from billing'))).toContain(`[BillingStatic] ${prefix}static warning`);
    expect(lines.find((line) => line.includes('nightly report'))).toMatch(/\[Billing\] nightly report/);
  });

  it("prefixes the message for an app's own LoggerService,", async () => {
    const logger = new RecordingLogger();
    const jobId = await runCall((app) => app.useLogger(logger));
    const prefix = `[cashier room=shop-7 job=${jobId}] `;
    expect(logger.entries).toEqual(expect.arrayContaining([
      expect.objectContaining({ level: 'log', context: 'Cashier', message: `${prefix}caller entered` }),
      expect.objectContaining({ level: 'log', context: 'Billing', message: `${prefix}charged 42` }),
      expect.objectContaining({ level: 'log', context: 'Billing', message: 'nightly report' }),
    ]));
    // The module's own lines of the call carry it too.
    expect(logger.entries).toContainEqual(expect.objectContaining({ context: 'OpenRTC', message: expect.stringMatching(new RegExp(`^\\[cashier room=shop-7 job=${jobId}\\] Resolved agent 'cashier'`)) }));
    // LiveKit's records already pass their fields as an object: the call's fields join them (no argument more, no prefix).
    const livekit = logger.entries.filter((entry) => entry.context === 'LiveKit' && entry.fields?.jobId === jobId);
    expect(livekit.length).toBeGreaterThan(0);
    expect(livekit[0]!.fields).toEqual(expect.objectContaining({ jobId, roomName: 'shop-7', agentName: 'cashier' }));
    expect(livekit.filter((entry) => entry.message.startsWith('['))).toEqual([]);
  });
});
