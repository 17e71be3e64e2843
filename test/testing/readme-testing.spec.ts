// The README's "Testing your agents" section quotes the code between the `README` markers of this
// file verbatim (test/testing/readme-quotes.spec.ts checks it): the snippets the README shows are the
// ones this file runs.
// README: testing-agent
import { Injectable, Module, Scope } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { llm, voice } from '@livekit/agents';
import { Agent, InjectSession, OpenRtcModule, type OpenRtcSession } from '@openrtc/nestjs';
import { ScriptedLLM, createAgentTestSession } from '@openrtc/nestjs/testing';
import { z } from 'zod';

@Injectable()
export class BookingService {
  async book(party: number, time: string): Promise<string> {
    throw new Error('the real database is not reachable from tests');
  }
}

@Injectable({ scope: Scope.REQUEST })
export class CallLog {
  readonly notes: string[] = [];
  constructor(@InjectSession() readonly call: OpenRtcSession) {}
}

@Agent({ name: 'restaurant', greeting: 'Offer to book a table.', llm: 'openai/gpt-4.1-mini' })
export class RestaurantAgent extends voice.Agent {
  constructor(bookings: BookingService, readonly log: CallLog) {
    super({
      instructions: `You take bookings. Room: ${log.call.roomName}.`,
      tools: {
        bookTable: llm.tool({
          description: 'Books a table.',
          parameters: z.object({ party: z.number(), time: z.string() }),
          execute: async ({ party, time }) => {
            const id = await bookings.book(party, time);
            log.notes.push(`booked ${id}`);
            return `booking ${id}`;
          },
        }),
      },
    });
  }
}

@Module({
  imports: [OpenRtcModule.forRoot({ autoStart: false })],
  providers: [BookingService, CallLog, RestaurantAgent],
})
export class AppModule {}
// README: end

describe('testing an agent like a controller', () => {
  // README: testing-test
  let moduleRef: TestingModule;

  beforeAll(async () => {
    moduleRef = await Test.createTestingModule({ imports: [AppModule] })
      .overrideProvider(BookingService)
      .useValue({ book: async (party: number, time: string) => `T-${party}-${time}` })
      .compile();
  });

  afterAll(() => moduleRef.close());

  it('books a table through its tool and confirms it', async () => {
    const call = await createAgentTestSession(moduleRef, 'restaurant', {
      session: { roomName: 'restaurant-42' },
      llm: new ScriptedLLM({
        tools: [{ name: 'bookTable', args: { party: 2, time: '20:00' } }],
        reply: ([booking]) => `Done: ${booking}.`,
      }),
    });

    const result = await call.run('A table for two at eight, please.');

    result.expect.nextEvent().isFunctionCall({ name: 'bookTable', args: { party: 2, time: '20:00' } });
    const output = result.expect.nextEvent().isFunctionCallOutput();
    expect(output.event().item.output).toContain('booking T-2-20:00');
    const reply = result.expect.nextEvent().isMessage({ role: 'assistant' });
    expect(reply.event().item.textContent).toContain('Done: ');
    result.expect.noMoreEvents();
    expect((call.agent as RestaurantAgent).log.notes).toEqual(['booked T-2-20:00']);
    expect(call.agent.instructions).toContain('Room: restaurant-42');
    await call.close();
  });
  // README: end

  it('gives every test session its own DI context: request-scoped providers are per session', async () => {
    const script = { reply: 'Hello.' };
    const first = await createAgentTestSession(moduleRef, 'restaurant', { llm: new ScriptedLLM(script) });
    const second = await createAgentTestSession(moduleRef, 'restaurant', { llm: new ScriptedLLM(script) });
    const [a, b] = [first.agent as RestaurantAgent, second.agent as RestaurantAgent];
    expect(a).not.toBe(b);
    expect(a.log).not.toBe(b.log);
    expect(a.log.call.roomName).not.toBe(b.log.call.roomName);
    expect(a.log.call.agentName).toBe('restaurant');
    const result = await first.run('hi');
    result.expect.nextEvent().isMessage({ role: 'assistant' });
    expect(result.events.map((event) => event.type)).toEqual(['message']);
    await Promise.all([first.close(), second.close()]);
  });

  it('an unknown agent name is an error that lists the registered ones', async () => {
    await expect(createAgentTestSession(moduleRef, 'dental')).rejects.toThrow("Unknown agent 'dental'. Registered agents: restaurant.");
  });

  it('without the override, the real service runs (the assertion on the override is not vacuous)', async () => {
    const real = await Test.createTestingModule({ imports: [AppModule] }).compile();
    const call = await createAgentTestSession(real, 'restaurant', {
      llm: new ScriptedLLM({ tools: [{ name: 'bookTable', args: { party: 2, time: '20:00' } }], reply: (outputs) => `got ${outputs.length}` }),
    });
    const result = await call.run('book');
    result.expect.nextEvent().isFunctionCall({ name: 'bookTable' });
    const output = result.expect.nextEvent().isFunctionCallOutput();
    expect(output.event().item.isError).toBe(true);
    // Upstream hides a tool's internal error from the model; the booking never happened.
    expect(output.event().item.output).toBe('An internal error occurred');
    expect((call.agent as RestaurantAgent).log.notes).toEqual([]);
    await call.close();
    await real.close();
  });
});
