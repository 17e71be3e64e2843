// One worker of the demo: boots the sample app (isolation from OPENRTC_ISOLATION, scripted models
// from the environment the demo sets), launches the simulated calls and reports over IPC.
import 'reflect-metadata';
import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';
import { NestFactory } from '@nestjs/core';
import { AgentPool, type SimulatedSession } from '@openrtc/nestjs';
import { AppModule } from '../src/app.module.js';
import { AppointmentRepository } from '../src/dental/appointment.repository.js';
import { BookingService } from '../src/restaurant/booking.service.js';
import type { ModeResult, ParentMessage, WorkerMessage } from './demo.protocol.js';

// One short caller turn (3.4 s, speech ends at 2.4 s): each call lasts until it is answered, so the
// turn's length is the length of every call in the demo.
const SPEECH = fileURLToPath(new URL('../../../assets/short-speech-16k.wav', import.meta.url));
/**
 * A call is answered about 3 s after it started (end of speech, endpointing, tools, the reply).
 * Past this deadline a call counts as unanswered instead of holding the demo up.
 */
const ANSWER_DEADLINE_MS = 30_000;
const AGENTS = ['restaurant', 'dental'];

/** The agent's answer to the caller, or undefined (said on stderr) if the call ended first or missed the deadline. */
async function answerOf(call: SimulatedSession, label: string): Promise<string | undefined> {
  let deadline: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (deadline = setTimeout(() => reject(new Error(`no answer within ${ANSWER_DEADLINE_MS / 1000} s`)), ANSWER_DEADLINE_MS)));
  try {
    return await Promise.race([call.answered, late]);
  } catch (error) {
    console.error(`  ${label}: ${(error as Error).message}`);
    return undefined;
  } finally {
    clearTimeout(deadline);
  }
}

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
// Each call lasts until its agent has answered the caller (or the deadline passed); all of them are
// live when the demo reads memory.
let started = 0;
let answered = 0;
const progress = () => send({ kind: 'progress', started, answered, total: sessions });
const calls = await Promise.all(
  Array.from({ length: sessions }, async (_, i) => {
    const agent = AGENTS[i % AGENTS.length]!;
    const call = await pool.simulateSession({ roomName: `${agent}-call-${i + 1}`, audio: SPEECH });
    const latency = await call.started;
    started += 1;
    progress();
    const answer = await answerOf(call, `call ${i + 1}`);
    if (answer !== undefined) {
      answered += 1;
      progress();
    }
    return { call, latency, answered: answer !== undefined };
  }),
);
send({ kind: 'in-call' });
await hangUp;

const outcomes = await Promise.all(calls.map(({ call }) => call.end()));
const stats = pool.stats();
const result: ModeResult = {
  isolation: stats.isolation,
  sessions,
  succeeded: outcomes.filter((outcome) => outcome.status === 'success').length,
  answered: calls.filter((call) => call.answered).length,
  startLatenciesMs: calls.map(({ latency }) => latency),
  prewarmCount: stats.prewarmCount,
  bookings: stats.isolation === 'coroutine'
    ? { tables: app.get(BookingService).all().length, appointments: app.get(AppointmentRepository).booked().length }
    : undefined,
};
await app.close();
// Exit once the report is out: upstream's AgentSession.close() leaves a 5 s timer behind
// (Task.cancelAndWait), which would keep this worker alive into the next mode's run.
process.send!({ kind: 'result', result } satisfies WorkerMessage, () => process.exit(0));
