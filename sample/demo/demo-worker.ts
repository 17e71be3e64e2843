// One worker of the demo: boots the sample app (isolation from OPENRTC_ISOLATION, scripted models
// from the environment the demo sets), launches the simulated calls and reports over IPC.
import 'reflect-metadata';
import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';
import { NestFactory } from '@nestjs/core';
import { AgentPool } from '@openrtc/nestjs';
import { AppModule } from '../src/app.module.js';
import { AppointmentRepository } from '../src/dental/appointment.repository.js';
import { BookingService } from '../src/restaurant/booking.service.js';
import type { ModeResult, ParentMessage, WorkerMessage } from './demo.protocol.js';

const SPEECH = fileURLToPath(new URL('../../../assets/speech-16k.wav', import.meta.url));
/**
 * The recording lasts 5.6 s (speech ends at 4.1 s): this long after the last call started, every
 * call has heard it, taken its turn, run its tools and answered, even with the VAD behind realtime
 * on a small machine.
 */
const CALL_MS = 8_500;
const AGENTS = ['restaurant', 'dental'];

const send = (message: WorkerMessage) => process.send!(message);
const hangUp = new Promise<void>((resolve) => process.on('message', (message: ParentMessage) => message.kind === 'hang-up' && resolve()));

const sessions = Number(process.argv[2] ?? 16);
// Every call waits on upstream's process queue at once in process mode (one listener each): not a leak.
EventEmitter.defaultMaxListeners = Math.max(EventEmitter.defaultMaxListeners, sessions + 10);
const app = await NestFactory.createApplicationContext(AppModule, { logger: ['fatal', 'error'] });
const pool = app.get(AgentPool);
await pool.start({ connect: false });
send({ kind: 'booted', agents: pool.list().map((agent) => agent.name) });

// Routed by room name (`restaurant-…`, `dental-…`), as LiveKit rooms named after an agent would be.
let started = 0;
const calls = await Promise.all(
  Array.from({ length: sessions }, async (_, i) => {
    const agent = AGENTS[i % AGENTS.length]!;
    const call = await pool.simulateSession({ roomName: `${agent}-call-${i + 1}`, audio: SPEECH });
    const latency = await call.started;
    send({ kind: 'progress', started: ++started, total: sessions });
    return { call, latency };
  }),
);
await new Promise((resolve) => setTimeout(resolve, CALL_MS));
send({ kind: 'in-call' });
await hangUp;

const outcomes = await Promise.all(calls.map(({ call }) => call.end()));
const stats = pool.stats();
const result: ModeResult = {
  isolation: stats.isolation,
  sessions,
  succeeded: outcomes.filter((outcome) => outcome.status === 'success').length,
  startLatenciesMs: calls.map(({ latency }) => latency),
  prewarmCount: stats.prewarmCount,
  bookings: stats.isolation === 'coroutine'
    ? { tables: app.get(BookingService).all().length, appointments: app.get(AppointmentRepository).booked().length }
    : undefined,
};
await app.close();
send({ kind: 'result', result });
process.disconnect();
