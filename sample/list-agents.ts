// The README's first command until the no-server demo lands: boots a real Nest app with two agents
// and an injected service, and lists what the pool registered. Connects to nothing.
import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { voice } from '@livekit/agents';
import { Agent, AgentPool, OpenRtcModule } from '@openrtc/nestjs';

@Injectable()
export class MenuService {
  specials(): string[] {
    return ['mushroom risotto', 'grilled trout'];
  }
}

@Agent({ greeting: 'Welcome the caller to the bistro and offer to book a table.', llm: 'openai/gpt-4.1-mini' })
export class RestaurantAgent extends voice.Agent {
  constructor(menu: MenuService) {
    super({ instructions: `You take restaurant bookings. Tonight's specials: ${menu.specials().join(', ')}.` });
  }
}

@Agent({ name: 'dental', greeting: 'Greet the patient and ask how the clinic can help.' })
export class DentalReceptionAgent extends voice.Agent {
  constructor() {
    super({ instructions: 'You book dental appointments.' });
  }
}

@Module({
  imports: [OpenRtcModule.forRoot({ autoStart: false, defaults: { stt: 'deepgram/nova-3', tts: 'cartesia/sonic-2' } })],
  providers: [MenuService, RestaurantAgent, DentalReceptionAgent],
})
export class SampleModule {}

const app = await NestFactory.createApplicationContext(SampleModule, { logger: ['error', 'warn'] });
const pool = app.get(AgentPool);
console.table(pool.list().map((agent) => ({ name: agent.name, class: agent.agentClass.name, llm: String(agent.llm ?? '-'), greeting: agent.greeting ?? '-' })));
for (const room of ['dental-4711', 'lobby']) {
  const { agent, via } = await pool.resolve({ room: { name: room } });
  console.log(`room '${room}' -> ${agent.name} (via ${via})`);
}
await app.close();
