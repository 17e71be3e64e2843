// Measures, for every VAD window of every session, how long after its audio was captured the
// VAD's result reached the session. Window i's audio is complete at clock + i x 32 ms; the clock
// is recovered from the stream's most punctual window (result time - i x 32 ms, minimised), so
// lag is never overstated: a stalled loop, late timers or a VAD that falls behind show as growth
// over that best case. Only `next()` is wrapped: a tap on every frame would cost the worker
// measurably more CPU than the thing measured.
import { inference } from '@livekit/agents';
import * as silero from '@livekit/agents-plugin-silero';

const FRAME_MS = 32; // 512 samples at 16 kHz: one RecordedAudioInput frame, one VAD window
const INFERENCE_DONE = 1; // VADEventType.INFERENCE_DONE

const streams = new Set();
let recording = false;

function tapStream(stream) {
  const tap = { clock: Infinity, windows: 0, results: [] };
  streams.add(tap);
  const next = stream.next.bind(stream);
  stream.next = () =>
    next().then((result) => {
      // Windows are counted (not read from samplesIndex), which a VAD flush would restart.
      if (!result.done && result.value.type === INFERENCE_DONE) {
        const now = performance.now();
        tap.windows += 1;
        tap.clock = Math.min(tap.clock, now - tap.windows * FRAME_MS);
        if (recording) tap.results.push(tap.windows, now);
      }
      return result;
    });
  return stream;
}

/** Wraps `stream()` of both VAD implementations in this process (benchmark workers only). */
export function installVadTap() {
  for (const Vad of [silero.VAD, inference.VAD]) {
    const stream = Vad.prototype.stream;
    Vad.prototype.stream = function (...args) {
      return tapStream(stream.apply(this, args));
    };
  }
}

export function startVadLag() {
  for (const tap of streams) tap.results = [];
  recording = true;
}

/** Lag (ms) of every window whose result arrived since startVadLag(). */
export function stopVadLag() {
  recording = false;
  const lags = [];
  for (const tap of streams) {
    for (let i = 0; i < tap.results.length; i += 2) lags.push(tap.results[i + 1] - (tap.clock + tap.results[i] * FRAME_MS));
  }
  return lags;
}
