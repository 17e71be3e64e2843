// The caller's speech for benchmarks: assets/speech-16k.wav (16 kHz mono PCM16, 5.6 s: silence,
// an utterance, silence), repeated so a session keeps talking for the whole measurement.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Decodes a 16-bit PCM WAV: what RecordedAudioInput takes. */
export function parsePcm16Wav(buffer) {
  let offset = 12;
  let format;
  while (offset + 8 <= buffer.length) {
    const id = buffer.toString('latin1', offset, offset + 4);
    const size = buffer.readUInt32LE(offset + 4);
    if (id === 'fmt ') format = { channels: buffer.readUInt16LE(offset + 10), sampleRate: buffer.readUInt32LE(offset + 12) };
    if (id === 'data' && format) {
      const samples = new Int16Array(size / 2);
      for (let i = 0; i < samples.length; i++) samples[i] = buffer.readInt16LE(offset + 8 + i * 2);
      return { ...format, samples };
    }
    offset += 8 + size + (size % 2);
  }
  throw new Error('not a PCM16 WAV with fmt and data chunks');
}

/** Writes `copies` back-to-back copies of a mono PCM16 WAV to `target`; returns its duration in s. */
export function writeRepeatedSpeech(source, copies, target) {
  const { sampleRate, samples } = parsePcm16Wav(readFileSync(source));
  const data = Buffer.alloc(samples.length * 2 * copies);
  for (let c = 0; c < copies; c++) Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength).copy(data, c * samples.length * 2);
  writeMonoPcm16Wav(target, sampleRate, data);
  return (samples.length * copies) / sampleRate;
}

/**
 * Writes `source` resampled to `sampleRate` (linear interpolation: a benchmark load, not a master)
 * to `target`. The throughput bench feeds 24 kHz, which RecordedAudioInput plays in 10 ms frames:
 * the format a LiveKit room delivers.
 */
export function writeResampledSpeech(source, sampleRate, target) {
  const input = parsePcm16Wav(readFileSync(source));
  const ratio = input.sampleRate / sampleRate;
  const out = new Int16Array(Math.floor(input.samples.length / ratio));
  for (let i = 0; i < out.length; i++) {
    const x = i * ratio;
    const j = Math.floor(x);
    const a = input.samples[j];
    const b = input.samples[Math.min(j + 1, input.samples.length - 1)];
    out[i] = Math.round(a + (b - a) * (x - j));
  }
  const data = Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  writeMonoPcm16Wav(target, sampleRate, data);
}

/** Writes mono PCM16 `data` at `sampleRate` as a WAV file at `target`. */
function writeMonoPcm16Wav(target, sampleRate, data) {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(data.length, 40);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, Buffer.concat([header, data]));
}
