import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { voice } from '@livekit/agents';
import { Agent, AgentPool, OpenRtcModule } from '@openrtc/nestjs';
import { RecordingLogger } from '../support/recording-logger.js';

@Agent({ name: 'echo' })
class EchoAgent extends voice.Agent {
  constructor() {
    super({ instructions: 'echo' });
  }
}

@Module({ providers: [EchoAgent] })
class EchoModule {}

// This file never calls initializeLogger(): the pool sets up LiveKit's logger itself.
describe("LiveKit's logs", () => {
  it("go through Nest's Logger at the configured level, not to stdout", async () => {
    const logger = new RecordingLogger();
    const app = await Test.createTestingModule({
      imports: [OpenRtcModule.forRoot({ autoStart: false, turnDetection: 'vad', logLevel: 'debug' }), EchoModule],
    }).compile();
    app.useLogger(logger);
    await app.init();
    const pool = app.get(AgentPool);
    await pool.start({ connect: false });
    const session = await pool.simulateSession({ agent: 'echo' });
    await session.started;
    await session.end();
    await app.close();
    const livekit = logger.entries.filter((entry) => entry.context === 'LiveKit');
    expect(livekit.map((entry) => entry.message)).toEqual(expect.arrayContaining([expect.stringContaining('Agent handoff inserted into chat context')]));
    expect(livekit.find((entry) => entry.message.includes('Agent handoff'))?.level).toBe('debug');
    expect(livekit.find((entry) => entry.message.startsWith('AgentSession closed'))?.level).toBe('log');
  });
});
