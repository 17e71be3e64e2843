import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ReadableStream } from 'node:stream/web';
import { initializeLogger, VADEventType, voice, type VAD } from '@livekit/agents';
import * as silero from '@livekit/agents-plugin-silero';
import type { AudioFrame } from '@livekit/rtc-node';
import { parseWav } from '../../lib/simulation/wav.js';
import { FRAME_MS, RecordedAudioInput } from '../../lib/simulation/recorded-audio.input.js';

/** The recordings in assets/ and their spoken regions (assets/README.md). */
const RECORDINGS = [
  { name: 'speech-16k.wav', speechFromMs: 500, speechToMs: 4100, tailMs: 1500 },
  { name: 'short-speech-16k.wav', speechFromMs: 300, speechToMs: 2390, tailMs: 1000 },
].map((recording) => ({ ...recording, path: fileURLToPath(new URL(`../../assets/${recording.name}`, import.meta.url)) }));
const ASSET = RECORDINGS[0]!.path;

/** A WAV file assembled by hand, so the rejection cases do not depend on sox. */
function wav(opts: { format?: number; channels?: number; bits?: number; rate?: number; data?: Uint8Array; before?: Buffer[] }): Buffer {
  const { format = 1, channels = 1, bits = 16, rate = 16000, data = new Uint8Array(64), before = [] } = opts;
  const fmt = Buffer.alloc(24);
  fmt.write('fmt ', 0, 'latin1');
  fmt.writeUInt32LE(16, 4);
  fmt.writeUInt16LE(format, 8);
  fmt.writeUInt16LE(channels, 10);
  fmt.writeUInt32LE(rate, 12);
  fmt.writeUInt32LE((rate * channels * bits) / 8, 16);
  fmt.writeUInt16LE((channels * bits) / 8, 20);
  fmt.writeUInt16LE(bits, 22);
  const dataHeader = Buffer.alloc(8);
  dataHeader.write('data', 0, 'latin1');
  dataHeader.writeUInt32LE(data.byteLength, 4);
  const body = Buffer.concat([Buffer.from('WAVE', 'latin1'), fmt, ...before, dataHeader, data]);
  const riff = Buffer.alloc(8);
  riff.write('RIFF', 0, 'latin1');
  riff.writeUInt32LE(body.length, 4);
  return Buffer.concat([riff, body]);
}

function chunk(id: string, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.write(id, 0, 'latin1');
  header.writeUInt32LE(payload.length, 4);
  return Buffer.concat([header, payload, Buffer.alloc(payload.length % 2)]);
}

async function readFrames(stream: ReadableStream<AudioFrame>, count: number): Promise<{ frames: AudioFrame[]; at: number[] }> {
  const reader = stream.getReader();
  const frames: AudioFrame[] = [];
  const at: number[] = [];
  while (frames.length < count) {
    const { done, value } = await reader.read();
    if (done) break;
    frames.push(value);
    at.push(performance.now());
  }
  reader.releaseLock();
  return { frames, at };
}

// AudioInput's internals log through LiveKit's logger, which must exist before any input is built.
initializeLogger({ pretty: false, level: 'warn' });

const timeouts = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('parseWav', () => {
  it('parses the asset to 16 kHz mono 16-bit samples of the expected length', () => {
    const audio = parseWav(readFileSync(ASSET), ASSET);
    expect(audio.sampleRate).toBe(16000);
    expect(audio.channels).toBe(1);
    const seconds = audio.samples.length / audio.sampleRate;
    expect(seconds).toBeGreaterThan(5.5);
    expect(seconds).toBeLessThan(5.7);
    // The lead-in is digital silence; the speech itself is loud.
    expect(audio.samples.subarray(0, 0.45 * 16000).every((s) => s === 0)).toBe(true);
    expect(Math.max(...audio.samples)).toBeGreaterThan(10000);
  });

  it('reads little-endian samples and skips unknown chunks, including odd-sized ones', () => {
    const data = Buffer.alloc(6);
    [1, -2, 32767].forEach((s, i) => data.writeInt16LE(s, i * 2));
    const audio = parseWav(wav({ data, before: [chunk('LIST', Buffer.from('INFOabc')), chunk('fact', Buffer.alloc(4))] }));
    expect(Array.from(audio.samples)).toEqual([1, -2, 32767]);
  });

  it.each([
    ['not a WAV at all', Buffer.from('hello, this is not audio'), /found no RIFF\/WAVE header/],
    ['truncated data chunk', wav({}).subarray(0, 60), /found chunk "data" of 64 bytes running past the end of the file \(60 bytes\)/],
    ['no data chunk', wav({}).subarray(0, 36), /found no data chunk/],
    ['stereo', wav({ channels: 2 }), /found PCM, 16-bit, 2 channel\(s\), 16000 Hz/],
    ['8-bit', wav({ bits: 8 }), /found PCM, 8-bit, 1 channel\(s\)/],
    ['32-bit float', wav({ format: 3, bits: 32 }), /found IEEE float, 32-bit, 1 channel\(s\)/],
  ])('rejects %s with an error naming the file, what was found and what is supported', (_, buffer, found) => {
    const parse = () => parseWav(buffer, 'caller.wav');
    expect(parse).toThrow(/^caller\.wav: unsupported or malformed WAV: /);
    expect(parse).toThrow(found);
    expect(parse).toThrow(/; supported: RIFF\/WAVE, PCM \(format 1\), 16-bit, mono/);
  });
});

describe('RecordedAudioInput', () => {
  const audio = parseWav(readFileSync(ASSET), ASSET);
  const totalFrames = Math.ceil(audio.samples.length / 512);
  const durationMs = (audio.samples.length / audio.sampleRate) * 1000;

  it('plays 512-sample frames in order, paced in real time', async () => {
    const input = new RecordedAudioInput(audio);
    const started = performance.now();
    const { frames, at } = await readFrames(input.stream, totalFrames);
    await input.finished;
    const elapsed = at[at.length - 1] - started;

    expect(frames).toHaveLength(totalFrames);
    for (const frame of frames) {
      expect([frame.sampleRate, frame.channels, frame.samplesPerChannel, frame.data.length]).toEqual([16000, 1, 512, 512]);
    }
    const played = new Int16Array(totalFrames * 512);
    frames.forEach((frame, i) => played.set(frame.data, i * 512));
    expect(Buffer.from(played.buffer.slice(0, audio.samples.byteLength)).equals(Buffer.from(audio.samples.buffer))).toBe(true);
    expect(played.subarray(audio.samples.length).every((s) => s === 0)).toBe(true); // zero-padded last frame

    const gaps = at.slice(1).map((t, i) => t - at[i]);
    const lateness = at.map((t, i) => t - started - (i + 1) * FRAME_MS);
    console.log(
      `[recorded-audio pacing] ${frames.length} frames, audio ${durationMs.toFixed(0)} ms, playback ${elapsed.toFixed(0)} ms; ` +
        `gap mean ${(gaps.reduce((a, b) => a + b, 0) / gaps.length).toFixed(2)} ms, max ${Math.max(...gaps).toFixed(1)} ms; ` +
        `max lateness vs deadline ${Math.max(...lateness).toFixed(1)} ms, final ${lateness[lateness.length - 1].toFixed(1)} ms`,
    );
    expect(elapsed).toBeGreaterThanOrEqual(0.9 * durationMs);
    await input.close();
  });

  it('with realtime: false hands frames over as fast as they are read, and loops', async () => {
    const input = new RecordedAudioInput(audio, { realtime: false, loop: true });
    const started = performance.now();
    const { frames } = await readFrames(input.stream, totalFrames * 2 + 3);
    const elapsed = performance.now() - started;
    expect(frames).toHaveLength(totalFrames * 2 + 3);
    expect(elapsed).toBeLessThan(durationMs / 2);
    expect(Array.from(frames[totalFrames + 10].data)).toEqual(Array.from(frames[10].data));
    await input.close();
    await input.finished;
  });

  it('close() stops a looping realtime playback, ends the stream and leaves no timer behind', async () => {
    const before = timeouts();
    const input = new RecordedAudioInput(audio, { loop: true });
    const reader = input.stream.getReader();
    for (let i = 0; i < 3; i++) await reader.read();
    expect(timeouts()).toBe(before + 1);
    await input.close();
    await input.finished;
    expect(timeouts()).toBe(before);
    const sent = input.framesSent;
    let next = await reader.read();
    while (!next.done) next = await reader.read(); // only what was already queued, then the end
    await new Promise((r) => setTimeout(r, 3 * FRAME_MS));
    expect(input.framesSent).toBe(sent);
  });

  it('fromWav() loads a WAV path and names it in errors', async () => {
    const input = RecordedAudioInput.fromWav(ASSET, { realtime: false });
    const { frames } = await readFrames(input.stream, 2);
    expect(frames[1].samplesPerChannel).toBe(512);
    await input.close();
    expect(() => RecordedAudioInput.fromWav(fileURLToPath(import.meta.url))).toThrow(/recorded-audio\.spec\.ts: unsupported or malformed WAV/);
  });

  it('with realtime: false and loop, a fast reader still leaves the event loop free for timers', async () => {
    const input = new RecordedAudioInput(audio, { realtime: false, loop: true });
    const reader = input.stream.getReader();
    let timerFired = false;
    setTimeout(() => (timerFired = true), 5);
    let read = 0;
    // A consumer that never waits on anything else (e.g. a busy VAD loop); bounded, so a regression
    // fails here instead of spinning forever.
    while (!timerFired && read < 50_000) {
      await reader.read();
      read += 1;
    }
    expect(timerFired).toBe(true);
    reader.releaseLock();
    await input.close();
  });
});

describe('with real Silero VAD', () => {
  let vad: VAD;
  // Upstream bug: closing a VADStream / AgentSession leaves an un-awaited promise that rejects with
  // "Invalid state: Releasing reader"; record those instead of letting them fail the run.
  const upstreamRejections: unknown[] = [];
  const onRejection = (reason: unknown) => {
    if (!/Releasing reader|WritableStream is closed/.test(String(reason))) throw reason;
    upstreamRejections.push(reason);
  };

  beforeAll(async () => {
    process.on('unhandledRejection', onRejection);
    vad = await silero.VAD.load();
  });

  afterAll(async () => {
    await new Promise((r) => setTimeout(r, 100)); // let the upstream rejections surface while we listen
    process.off('unhandledRejection', onRejection);
    if (upstreamRejections.length) console.log(`[recorded-audio] ${upstreamRejections.length} known upstream rejection(s) on close: ${String(upstreamRejections[0])}`);
    await vad?.close();
  });

  it.each(RECORDINGS)('reports start and end of speech inside the spoken region of $name', async ({ name, path, speechFromMs, speechToMs, tailMs }) => {
    const input = RecordedAudioInput.fromWav(path, { realtime: false });
    const stream = vad.stream();
    stream.updateInputStream(input.stream);
    let start: { at: number; onset: number } | undefined;
    let end: { at: number; offset: number } | undefined;
    while (!end) {
      const { done, value: ev } = await stream.next();
      if (done) break;
      if (ev.type === VADEventType.START_OF_SPEECH) start = { at: ev.timestamp, onset: ev.timestamp - ev.speechDuration };
      if (ev.type === VADEventType.END_OF_SPEECH) end = { at: ev.timestamp, offset: ev.timestamp - ev.silenceDuration };
    }
    stream.close();
    await input.close();

    console.log(
      `[recorded-audio VAD] ${name}: START_OF_SPEECH at ${start?.at} ms (onset ~${start?.onset} ms), ` +
        `END_OF_SPEECH at ${end?.at} ms (speech ended ~${end?.offset} ms); spoken region ${speechFromMs}-${speechToMs} ms`,
    );
    expect(start).toBeDefined();
    expect(end).toBeDefined();
    expect(start!.at).toBeGreaterThan(speechFromMs);
    expect(start!.at).toBeLessThan(speechToMs);
    expect(end!.offset).toBeGreaterThan(start!.at);
    expect(end!.offset).toBeLessThanOrEqual(speechToMs + 100);
    expect(end!.at).toBeLessThanOrEqual(speechToMs + tailMs);
  });

  it('drives a real AgentSession user state to speaking and back to listening, without a room', async () => {
    const session = new voice.AgentSession({ vad, turnHandling: { turnDetection: 'vad' } });
    const states: Array<{ state: string; ms: number }> = [];
    const input = RecordedAudioInput.fromWav(ASSET);
    const t0 = performance.now();
    const backToListening = new Promise<void>((resolve) => {
      session.on(voice.AgentSessionEventTypes.UserStateChanged, (ev) => {
        states.push({ state: ev.newState, ms: Math.round(performance.now() - t0) });
        if (ev.oldState === 'speaking' && ev.newState === 'listening') resolve();
      });
    });
    session.input.audio = input;
    await session.start({ agent: new voice.Agent({ instructions: 'You take restaurant bookings.' }) });
    await backToListening;
    console.log(`[recorded-audio session] user states: ${states.map((s) => `${s.state}@${s.ms}ms`).join(', ')}`);

    expect(states.map((s) => s.state)).toEqual(['speaking', 'listening']);
    await input.close(); // the caller hangs up first, as in a real call
    await session.close();
  });
});
