import { fileURLToPath } from 'node:url';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { initializeLogger } from '@livekit/agents';
import { AgentPool } from '@openrtc/nestjs';

const SPEECH = fileURLToPath(new URL('../../assets/speech-16k.wav', import.meta.url));
const MODELS = Object.fromEntries(['RESTAURANT', 'DENTAL'].flatMap((agent) => ['STT', 'LLM', 'TTS'].map((model) => [`${agent}_${model}`, 'scripted'])));

// The sample app (sample/src) as `npm run demo` runs it: offline stand-ins for STT/LLM/TTS, the real
// session pipeline (VAD on the recording, turn detection, the agents' tools and their services).
describe('sample app: restaurant and dental agents', () => {
  let app: INestApplicationContext;
  const saved = { ...process.env };

  beforeAll(async () => {
    initializeLogger({ pretty: false, level: 'fatal' });
    for (const name of Object.keys(process.env)) if (/^(OPENRTC|LIVEKIT|RESTAURANT|DENTAL)_/.test(name)) delete process.env[name];
    Object.assign(process.env, MODELS, { RESTAURANT_GREETING: 'Say good evening from Harbor Bistro.' });
    const { AppModule } = await import('../../sample/src/app.module.js');
    app = await NestFactory.createApplicationContext(AppModule, { logger: false });
  });
  afterAll(async () => {
    await app?.close();
    process.env = saved;
  });

  it('registers each agent with its greeting and providers from configuration', () => {
    const pool = app.get(AgentPool);
    expect(pool.list().map((agent) => agent.name)).toEqual(['restaurant', 'dental']);
    const restaurant = pool.get('restaurant');
    expect(restaurant.greeting).toBe('Say good evening from Harbor Bistro.'); // RESTAURANT_GREETING
    expect(pool.get('dental').greeting).toBe('Greet the patient, say this is Harbor Dental, and ask how you can help.'); // the default
    // `scripted` models are factories: each call builds its own stand-ins.
    const call = { jobId: 'job-1', roomName: 'restaurant-1', agentName: 'restaurant', metadata: {} };
    const build = () => [restaurant.stt, restaurant.llm, restaurant.tts].map((provider) => (provider as (session: typeof call) => object)(call));
    const [first, second] = [build(), build()];
    expect(first.map((provider) => provider.constructor.name)).toEqual(['ScriptedSTT', 'ScriptedLLM', 'ScriptedTTS']);
    first.forEach((provider, i) => expect(provider).not.toBe(second[i]));
  });

  it('routes calls by room name; each caller is heard, and the agent books through its injected services', async () => {
    const pool = app.get(AgentPool);
    await pool.start({ connect: false });
    const calls = await Promise.all(['restaurant-table-1', 'dental-cleaning-1', 'dental-cleaning-2'].map((roomName) => pool.simulateSession({ roomName, audio: SPEECH })));
    await Promise.all(calls.map((call) => call.started));
    // Each agent answers its caller once its tools ran: the reply is built from their outputs.
    const answers = await Promise.all(calls.map((call) => call.answered));
    expect(answers[0]).toMatch(/^All set: .*R-1001.*See you tonight!$/);
    expect(answers[1]).toMatch(/^You are booked: /);
    expect(answers[2]).toMatch(/^You are booked: /);
    const { BookingService } = await import('../../sample/src/restaurant/booking.service.js');
    const { AppointmentRepository } = await import('../../sample/src/dental/appointment.repository.js');
    const bookings = app.get(BookingService);
    const appointments = app.get(AppointmentRepository);
    expect(bookings.all()).toEqual([{ id: 'R-1001', partySize: 2, time: '20:00', guestName: 'caller' }]);
    expect(appointments.booked()).toHaveLength(2);
    // Two callers at once were offered different slots (held per call), so both got one.
    const [first, second] = appointments.booked();
    expect(first!.id).not.toBe(second!.id);
    const outcomes = await Promise.all(calls.map((call) => call.end()));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['success', 'success', 'success']);
    expect(pool.stats()).toMatchObject({ prewarmCount: 1, succeeded: 3, failed: 0 });
  });
});
