import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { voice } from '@livekit/agents';
import { Agent, AgentPool, OpenRtcModule, type LogLevel } from '@openrtc/nestjs';
import { ScriptedLLM, ScriptedSTT, speechSamplePath } from '@openrtc/nestjs/testing';
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

describe('simulateSession() on text turns and on the shipped recording', () => {
  let moduleRef: TestingModule;
  let logger: RecordingLogger;

  beforeAll(async () => {
    ({ moduleRef, logger } = await boot('info'));
  });
  afterAll(() => moduleRef?.close());

  it('text turns: the agent answers each turn; with logLevel info no log entry carries the caller\'s words', async () => {
    // README: testing-simulate
    const pool = moduleRef.get(AgentPool);
    await pool.start({ connect: false });

    const text = await pool.simulateSession({ agent: 'restaurant', turns: ['My name is Ada Lovelace and I want a table for two.'] });
    expect(await text.answered).toBe('You said: My name is Ada Lovelace and I want a table for two.');
    expect((await text.end()).status).toBe('success');

    const audio = await pool.simulateSession({ agent: 'restaurant', audio: speechSamplePath() });
    expect(await audio.answered).toBe('You said: My name is Ada Lovelace and I want a table for two.'); // what ScriptedSTT heard
    expect((await audio.end()).status).toBe('success');
    // README: end

    // LiveKit did log the session (so the check below is not vacuous), without the personal data.
    expect(logger.entries.some((entry) => entry.context === 'LiveKit' && entry.message.startsWith('playout completed'))).toBe(true);
    expect(personal(logger, ['log', 'warn', 'error', 'debug', 'verbose', 'fatal'])).toEqual([]);
  });
});
