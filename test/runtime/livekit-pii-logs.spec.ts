// LiveKit's logger is process-wide and set up by the first pool that starts: this scenario needs its own file (logLevel debug).
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { voice } from '@livekit/agents';
import { Agent, AgentPool, OpenRtcModule, type LogLevel } from '@openrtc/nestjs';
import { ScriptedLLM, ScriptedSTT } from '@openrtc/nestjs/testing';
import { RecordingLogger } from '../support/recording-logger.js';

const CALLER = 'My name is Ada Lovelace and I want a table for two.';

@Agent({ name: 'restaurant', greeting: 'Offer to book a table.' })
class RestaurantAgent extends voice.Agent {
  constructor() {
    super({ instructions: 'You take bookings.' });
  }
}

@Module({ providers: [RestaurantAgent] })
class RestaurantModule {}

async function boot(logLevel: LogLevel): Promise<{ moduleRef: TestingModule; logger: RecordingLogger }> {
  const logger = new RecordingLogger();
  const moduleRef = await Test.createTestingModule({
    imports: [
      OpenRtcModule.forRoot({
        autoStart: false,
        logLevel,
        turnDetection: 'vad',
        agents: {
          restaurant: {
            stt: () => new ScriptedSTT(CALLER),
            llm: () => new ScriptedLLM({ greeting: 'Harbor Bistro, hello!', reply: (_outputs, userText) => `You said: ${userText}` }),
          },
        },
      }),
      RestaurantModule,
    ],
  }).compile();
  moduleRef.useLogger(logger);
  await moduleRef.init();
  return { moduleRef, logger };
}

// Caller speech is personal data: what a log entry of this level may not contain.
const personal = (logger: RecordingLogger, levels: string[]) =>
  logger.entries.filter((entry) => levels.includes(entry.level) && JSON.stringify([entry.message, entry.fields ?? {}]).match(/Ada Lovelace|lk\.pii\./));

describe('LiveKit personal data with logLevel debug', () => {
  it('appears in debug entries only; the same records at log level go out without it', async () => {
    const { moduleRef, logger } = await boot('debug');
    try {
      const pool = moduleRef.get(AgentPool);
      await pool.start({ connect: false });
      const call = await pool.simulateSession({ agent: 'restaurant', turns: [CALLER] });
      await call.answered;
      await call.end();
      expect(personal(logger, ['debug']).length).toBeGreaterThan(0);
      expect(personal(logger, ['log', 'warn', 'error', 'fatal'])).toEqual([]);
      const playout = logger.entries.filter((entry) => entry.context === 'LiveKit' && entry.message.startsWith('playout completed'));
      expect(playout.map((entry) => entry.level)).toEqual(expect.arrayContaining(['log', 'debug']));
      // Fields reach the logger as an object, not inside the message.
      const withFields = playout.find((entry) => entry.level === 'log')!;
      expect(withFields.fields).toEqual(expect.objectContaining({ speech_id: expect.any(String) }));
      expect(withFields.message).not.toContain('{');
    } finally {
      await moduleRef.close();
    }
  });
});
