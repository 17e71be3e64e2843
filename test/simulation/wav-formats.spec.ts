import { parseWav } from '../../lib/simulation/wav.js';

/** One RIFF chunk, padded to an even length as RIFF requires. */
function chunk(id: string, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.write(id, 0, 'latin1');
  header.writeUInt32LE(payload.length, 4);
  return Buffer.concat([header, payload, Buffer.alloc(payload.length % 2)]);
}

/** A fmt chunk body: 16 bytes, or 40 for WAVE_FORMAT_EXTENSIBLE with its sub-format code. */
function fmt({ format = 1, channels = 1, rate = 16000, bits = 16, subFormat }: { format?: number; channels?: number; rate?: number; bits?: number; subFormat?: number }): Buffer {
  const body = Buffer.alloc(subFormat === undefined ? 16 : 40);
  body.writeUInt16LE(format, 0);
  body.writeUInt16LE(channels, 2);
  body.writeUInt32LE(rate, 4);
  body.writeUInt32LE((rate * channels * bits) / 8, 8);
  body.writeUInt16LE((channels * bits) / 8, 12);
  body.writeUInt16LE(bits, 14);
  if (subFormat !== undefined) {
    body.writeUInt16LE(22, 16); // extension size
    body.writeUInt16LE(bits, 18); // valid bits
    body.writeUInt16LE(subFormat, 24); // first two bytes of the sub-format GUID
  }
  return body;
}

const riff = (...chunks: Buffer[]) => {
  const body = Buffer.concat([Buffer.from('WAVE', 'latin1'), ...chunks]);
  const header = Buffer.alloc(8);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(body.length, 4);
  return Buffer.concat([header, body]);
};

const samples = (...values: number[]) => {
  const data = Buffer.alloc(values.length * 2);
  values.forEach((value, i) => data.writeInt16LE(value, i * 2));
  return data;
};

// WAV files as other tools write them: WAVE_FORMAT_EXTENSIBLE headers, and the malformed or
// unsupported ones a simulated caller's recording must be refused with, naming what was found.
describe('parseWav: extensible headers and every refusal', () => {
  it('reads a WAVE_FORMAT_EXTENSIBLE file whose sub-format is PCM (what sox and ffmpeg write for some layouts)', () => {
    const audio = parseWav(riff(chunk('fmt ', fmt({ format: 0xfffe, rate: 8000, subFormat: 1 })), chunk('data', samples(7, -7, 300))));
    expect({ sampleRate: audio.sampleRate, channels: audio.channels, samples: Array.from(audio.samples) }).toEqual({ sampleRate: 8000, channels: 1, samples: [7, -7, 300] });
  });

  it.each([
    ['an extensible file of IEEE float', riff(chunk('fmt ', fmt({ format: 0xfffe, bits: 32, subFormat: 3 })), chunk('data', Buffer.alloc(8))), 'IEEE float, 32-bit, 1 channel(s), 16000 Hz'],
    ['a format it has no name for (MPEG layer 3)', riff(chunk('fmt ', fmt({ format: 0x55 })), chunk('data', Buffer.alloc(8))), 'format 0x55, 16-bit, 1 channel(s), 16000 Hz'],
    ['mu-law', riff(chunk('fmt ', fmt({ format: 7, bits: 8 })), chunk('data', Buffer.alloc(8))), 'mu-law, 8-bit, 1 channel(s), 16000 Hz'],
    ['a fmt chunk too short to hold a format', riff(chunk('fmt ', Buffer.alloc(8)), chunk('data', Buffer.alloc(8))), 'fmt chunk of 8 bytes'],
    ['a data chunk before any fmt chunk', riff(chunk('data', Buffer.alloc(8)), chunk('fmt ', fmt({}))), 'data chunk before any fmt chunk'],
    ['a sample rate of 0', riff(chunk('fmt ', fmt({ rate: 0 })), chunk('data', Buffer.alloc(8))), 'sample rate 0'],
    ['a data chunk of half a sample', riff(chunk('fmt ', fmt({})), chunk('data', Buffer.alloc(7))), 'data chunk of 7 bytes is not whole 16-bit samples'],
    ['no fmt chunk at all', riff(chunk('LIST', Buffer.from('INFO'))), 'no fmt chunk'],
  ])('refuses %s, naming the file and what it found', (_what, buffer, found) => {
    expect(() => parseWav(buffer, 'caller.wav')).toThrow(
      `caller.wav: unsupported or malformed WAV: found ${found}; supported: RIFF/WAVE, PCM (format 1), 16-bit, mono, any sample rate`,
    );
  });

  it('names a buffer without a file as "WAV buffer"', () => {
    expect(() => parseWav(new Uint8Array(4))).toThrow(/^WAV buffer: unsupported or malformed WAV: found no RIFF\/WAVE header \(4 bytes/);
  });
});
