// The physical floor: CPU per 32 ms VAD window, one stream fed as fast as the VAD consumes (no
// session, no timers), for each VAD implementation. 32 ms divided by it is the most sessions one
// core could hold if the VAD were all a session did.
import { readFileSync } from 'node:fs';
import { inference } from '@livekit/agents';
import * as silero from '@livekit/agents-plugin-silero';
import { AudioFrame } from '@livekit/rtc-node';
import { parsePcm16Wav } from '../lib/speech.mjs';
import { round } from '../lib/stats.mjs';

const INFERENCE_DONE = 1;
const WINDOW = 512; // samples at 16 kHz
const BATCH = 100; // frames queued at a time: enough to keep the VAD busy, little to buffer

/** Feeds the recording, looping, in 32 ms frames and waits for `count` windows' results. */
async function windows(stream, speech, count) {
  const frames = Math.floor(speech.samples.length / WINDOW);
  let seen = 0;
  while (seen < count) {
    const batch = Math.min(BATCH, count - seen);
    for (let i = 0; i < batch; i++) {
      const at = ((seen + i) % frames) * WINDOW;
      stream.pushFrame(new AudioFrame(speech.samples.slice(at, at + WINDOW), speech.sampleRate, 1, WINDOW));
    }
    for (let got = 0; got < batch; ) {
      const { done, value } = await stream.next();
      if (done) throw new Error('VAD stream ended early');
      if (value.type === INFERENCE_DONE) got += 1;
    }
    seen += batch;
  }
}

async function measure(vad, speech, { warmup, count }) {
  const stream = vad.stream();
  await windows(stream, speech, warmup);
  const cpu = process.cpuUsage();
  const started = performance.now();
  await windows(stream, speech, count);
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  stream.close();
  const cpuMsPerWindow = (used.user + used.system) / 1000 / count;
  return {
    windows: count,
    cpuMsPerWindow: round(cpuMsPerWindow, 4),
    wallMsPerWindow: round(wallMs / count, 4),
    sessionsPerCore: Math.floor(32 / cpuMsPerWindow),
  };
}

export async function run({ audio, warmup, count }) {
  const speech = parsePcm16Wav(readFileSync(audio));
  return {
    silero: await measure(await silero.VAD.load(), speech, { warmup, count }),
    native: await measure(new inference.VAD(), speech, { warmup, count }),
  };
}
