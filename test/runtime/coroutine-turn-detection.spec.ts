import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { readFileSync } from 'node:fs';
import { getJobContext, voice } from '@livekit/agents';
import { Agent, AgentPool, OpenRtcModule } from '@openrtc/nestjs';
import { RecordingLogger } from '../support/recording-logger.js';
import { parseWav } from '../../lib/simulation/wav.js';

const SPEECH = new URL('../../assets/speech-16k.wav', import.meta.url).pathname;

// The last 1.2 s of the spoken sentence, as the detector sends it (s16le, base64).
const { samples } = parseWav(readFileSync(SPEECH), SPEECH);
const SNAPSHOT = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength).subarray(2 * 16000 * 2.9, 2 * 16000 * 4.1).toString('base64');

@Injectable()
class Turns {
  readonly predictions: Array<{ jobId: string; probability: number; executor: unknown }> = [];
}

/** Asks its session's inference executor for an end-of-turn prediction, as the audio turn detector does. */
@Agent({ name: 'listener' })
class ListenerAgent extends voice.Agent {
  constructor(private readonly turns: Turns) {
    super({ instructions: 'listen' });
  }
  override async onEnter(): Promise<void> {
    const ctx = getJobContext();
    const out = (await ctx.inferenceExecutor.doInference('lk_eot_audio', { pcm: SNAPSHOT })) as { probability: number };
    this.turns.predictions.push({ jobId: ctx.job.id, probability: out.probability, executor: ctx.inferenceExecutor });
  }
}

@Module({ providers: [Turns, ListenerAgent] })
class ListenerModule {}

// turnDetection 'audio': the bundled end-of-turn model runs in upstream's shared inference process,
// which every in-process session reaches through its JobContext's inference executor.
describe('coroutine isolation: the audio turn detector', () => {
  it('predicts end of turn for concurrent sessions through the shared inference process', async () => {
    const logger = new RecordingLogger();
    const app = await Test.createTestingModule({
      imports: [OpenRtcModule.forRoot({ autoStart: false, turnDetection: 'audio', logLevel: 'warn' }), ListenerModule],
    }).setLogger(logger).compile();
    await app.init();
    const pool = app.get(AgentPool);
    await pool.start({ connect: false });
    const sessions = await Promise.all([1, 2].map(() => pool.simulateSession({ agent: 'listener', audio: SPEECH })));
    const turns = app.get(Turns);
    for (let i = 0; i < 300 && turns.predictions.length < 2; i++) await new Promise((r) => setTimeout(r, 50));
    // Let the sessions' own detectors run on the recording's end of speech too.
    await new Promise((r) => setTimeout(r, 6000));
    await Promise.all(sessions.map((session) => session.end()));
    await app.close();
    expect(turns.predictions.map((p) => p.jobId).sort()).toEqual(sessions.map((s) => s.jobId).sort());
    expect(turns.predictions[0]!.executor).toBe(turns.predictions[1]!.executor); // one shared inference process
    for (const { probability } of turns.predictions) {
      expect(probability).toBeGreaterThanOrEqual(0);
      expect(probability).toBeLessThanOrEqual(1);
    }
    const livekit = logger.entries.filter((entry) => entry.context === 'LiveKit').map((entry) => entry.message);
    expect(livekit.filter((message) => /local audio EOT (unavailable|inference \(executor\) failed)/.test(message))).toEqual([]);
  });
});
