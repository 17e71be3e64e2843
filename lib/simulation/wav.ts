/** Decoded PCM audio: interleaved signed 16-bit samples. */
export interface PcmAudio {
  sampleRate: number;
  channels: number;
  samples: Int16Array;
}

const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
const SUPPORTED = 'supported: RIFF/WAVE, PCM (format 1), 16-bit, mono, any sample rate';
const FORMAT_NAMES: Record<number, string> = { 1: 'PCM', 3: 'IEEE float', 6: 'A-law', 7: 'mu-law' };

/**
 * Parse a 16-bit PCM mono WAV file. Only what simulated callers need (and Silero VAD accepts, mono) is
 * supported; anything else is rejected up front rather than played as noise.
 * @param source names the file in error messages.
 */
export function parseWav(buffer: Uint8Array, source = 'WAV buffer'): PcmAudio {
  // Typed as `never` so control flow knows it does not return.
  const fail: (found: string) => never = (found) => {
    throw new Error(`${source}: unsupported or malformed WAV: found ${found}; ${SUPPORTED}`);
  };
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const tag = (offset: number) => String.fromCharCode(...buffer.subarray(offset, offset + 4));

  if (buffer.byteLength < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') {
    fail(`no RIFF/WAVE header (${buffer.byteLength} bytes, starts with ${JSON.stringify(tag(0))})`);
  }

  let fmt: { format: number; channels: number; sampleRate: number; bits: number } | undefined;
  let offset = 12;
  while (offset + 8 <= buffer.byteLength) {
    const id = tag(offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (body + size > buffer.byteLength) fail(`chunk "${id}" of ${size} bytes running past the end of the file (${buffer.byteLength} bytes)`);

    if (id === 'fmt ') {
      if (size < 16) fail(`fmt chunk of ${size} bytes`);
      let format = view.getUint16(body, true);
      // EXTENSIBLE carries the real format code in the first two bytes of its sub-format GUID.
      if (format === WAVE_FORMAT_EXTENSIBLE && size >= 40) format = view.getUint16(body + 24, true);
      fmt = {
        format,
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        bits: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      if (!fmt) fail('data chunk before any fmt chunk');
      const { format, channels, sampleRate, bits } = fmt;
      if (format !== WAVE_FORMAT_PCM || bits !== 16 || channels !== 1) {
        const name = FORMAT_NAMES[format] ?? `format 0x${format.toString(16)}`;
        fail(`${name}, ${bits}-bit, ${channels} channel(s), ${sampleRate} Hz`);
      }
      if (sampleRate <= 0) fail(`sample rate ${sampleRate}`);
      if (size % 2 !== 0) fail(`data chunk of ${size} bytes is not whole 16-bit samples`);
      // Copy with explicit little-endian reads: the chunk may be unaligned and WAV is LE on every host.
      const samples = new Int16Array(size / 2);
      for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(body + i * 2, true);
      return { sampleRate, channels, samples };
    }
    // Unknown chunks (LIST, fact, cue, ...) are skipped; RIFF pads odd-sized chunks to even.
    offset = body + size + (size % 2);
  }
  return fail(fmt ? 'no data chunk' : 'no fmt chunk');
}
