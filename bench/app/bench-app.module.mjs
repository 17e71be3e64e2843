// The Nest app every benchmark worker boots (plain ESM on the built package, so process-mode
// children can import it too). Settings come from the environment because children inherit it:
// both sides of a process-mode run must build the same app.
import 'reflect-metadata';
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Inject, Module } from '@nestjs/common';
import { voice } from '@livekit/agents';
import { Agent, OpenRtcModule } from './package.mjs';

const env = process.env;
const hrEpoch = () => performance.timeOrigin + performance.now();

/** Listens only (no STT/LLM/TTS): what a session costs before any provider is attached. */
export class ListenerAgent extends voice.Agent {
  constructor(call) {
    super({ instructions: 'You listen.' });
    this.call = call;
  }
  async onEnter() {
    // A file works in both isolation modes; the wall clock is shared by parent and children.
    const file = this.call.metadata.reportFile;
    if (file) appendFileSync(file, JSON.stringify({ jobId: this.call.jobId, pid: process.pid, enteredAt: hrEpoch() }) + '\n');
  }
}
Inject(Symbol.for('@openrtc/nestjs:session'))(ListenerAgent, undefined, 0);
Agent({ name: 'listener' })(ListenerAgent);

export class BenchAppModule {}
Module({
  imports: [
    OpenRtcModule.forRoot({
      autoStart: false,
      isolation: env.OPENRTC_BENCH_ISOLATION ?? 'coroutine',
      ...(env.OPENRTC_BENCH_VAD ? { vad: env.OPENRTC_BENCH_VAD } : {}),
      turnDetection: env.OPENRTC_BENCH_TURN_DETECTION ?? 'vad',
      maxConcurrentSessions: 1000,
      logLevel: 'error',
      appModule: { path: fileURLToPath(import.meta.url), exportName: 'BenchAppModule' },
    }),
  ],
  providers: [ListenerAgent],
})(BenchAppModule);
