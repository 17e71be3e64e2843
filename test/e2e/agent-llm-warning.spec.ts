import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { voice } from '@livekit/agents';
import { Agent, AgentPool, OpenRtcModule } from '@openrtc/nestjs';
import { RecordingLogger } from '../support/recording-logger.js';

// The README's quick start once had a `dental` agent with a greeting and no LLM: every call failed.
@Agent({ name: 'dental', greeting: 'Greet the patient.' })
class DentalAgent extends voice.Agent {
  constructor() {
    super({ instructions: 'You book dental appointments.' });
  }
}

@Agent({ name: 'restaurant', llm: 'openai/gpt-4.1-mini' })
class RestaurantAgent extends voice.Agent {
  constructor() {
    super({ instructions: 'You take bookings.' });
  }
}

@Module({ providers: [DentalAgent, RestaurantAgent] })
class AgentsModule {}

async function startWarnings(defaults: { llm?: string }): Promise<string[]> {
  const logger = new RecordingLogger();
  const app = await Test.createTestingModule({ imports: [OpenRtcModule.forRoot({ autoStart: false, turnDetection: 'none', defaults }), AgentsModule] }).compile();
  app.useLogger(logger);
  await app.init();
  try {
    await app.get(AgentPool).start({ connect: false });
  } finally {
    await app.close();
  }
  return logger.messages('warn');
}

describe('pool.start() and an agent without an LLM', () => {
  it('warns, naming the agent, what fails and where to set an LLM', async () => {
    expect(await startWarnings({})).toEqual([
      "Agent 'dental' has no LLM (nor realtime model), so its greeting and every reply fail (\"trying to generate reply without an LLM model\"). " +
        "Set llm in @Agent({ llm }), OpenRtcModule option defaults.llm or agents.dental.llm, e.g. llm: 'openai/gpt-4.1-mini', or pass llm to voice.Agent in its constructor.",
    ]);
  });

  it('says nothing once defaults give every agent one (the fixed quick start)', async () => {
    expect(await startWarnings({ llm: 'openai/gpt-4.1-mini' })).toEqual([]);
  });
});
