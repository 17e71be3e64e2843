import 'reflect-metadata';
import { ConsoleLogger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AgentPool, OpenRtcModule } from '@openrtc/nestjs';
import { CashierModule, logOutsideSession } from '../fixtures/log-context.fixture.js';
import { captureOutput } from '../support/stdout-capture.js';

// JSON logging: every record written inside the call (the app's service, the agent, the module,
// LiveKit's routed logs) carries jobId, roomName and agentName as fields; none outside the call.
describe('per-call log context with ConsoleLogger({ json: true })', () => {
  it('adds jobId, roomName and agentName as fields to every record of the call', async () => {
    const capture = captureOutput();
    let jobId = '';
    try {
      const app = await Test.createTestingModule({ imports: [OpenRtcModule.forRoot({ autoStart: false, turnDetection: 'vad', logLevel: 'debug' }), CashierModule] }).compile();
      app.useLogger(new ConsoleLogger({ json: true, logLevels: ['log', 'warn', 'error', 'debug'] }));
      await app.init();
      const pool = app.get(AgentPool);
      await pool.start({ connect: false });
      logOutsideSession();
      const call = await pool.simulateSession({ agent: 'cashier', roomName: 'shop-7', turns: ['hello'] });
      jobId = call.jobId;
      await call.answered;
      await call.end();
      await app.close();
    } finally {
      capture.restore();
    }
    const records = capture.lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { context?: string; message?: string; params?: Record<string, unknown> });
    const fields = { jobId, roomName: 'shop-7', agentName: 'cashier' };
    const byMessage = (message: string) => records.find((record) => record.message === message);
    expect(byMessage('caller entered')).toEqual(expect.objectContaining({ context: 'Cashier', params: fields }));
    expect(byMessage('charged 42')).toEqual(expect.objectContaining({ context: 'Billing', params: fields }));
    expect(byMessage('static warning from billing')).toEqual(expect.objectContaining({ context: 'BillingStatic', params: fields }));
    // LiveKit's own records keep their fields and gain the call's.
    const livekit = records.filter((record) => record.context === 'LiveKit' && record.params?.jobId === jobId);
    expect(livekit.length).toBeGreaterThan(0);
    expect(livekit[0]!.params).toEqual(expect.objectContaining(fields));
    // Outside the call: no call fields.
    expect(byMessage('nightly report')).toEqual(expect.objectContaining({ context: 'Billing' }));
    expect(byMessage('nightly report')!.params).toBeUndefined();
    // The message itself stays clean (fields, not a prefix).
    expect(records.filter((record) => String(record.message).startsWith('[cashier'))).toEqual([]);
  });
});
