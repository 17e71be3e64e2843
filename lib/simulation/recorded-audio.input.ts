import { readFileSync } from 'node:fs';
import { ReadableStream, type ReadableStreamDefaultController } from 'node:stream/web';
import { voice } from '@livekit/agents';
import { AudioFrame } from '@livekit/rtc-node';
import { parseWav, type PcmAudio } from './wav.js';

/** Frame length: 32 ms is one Silero VAD window (512 samples at 16 kHz). */
export const FRAME_MS = 32;
/** What a LiveKit room delivers (agents-js 1.9's room input: 24 kHz, 10 ms frames). */
export const ROOM_FRAME_MS = 10;

/** 32 ms for 16 kHz and below; 10 ms for a recording at a room's rate (above 16 kHz), as a room delivers it. */
export function defaultFrameMs(sampleRate: number): number {
  return sampleRate > 16_000 ? ROOM_FRAME_MS : FRAME_MS;
}

export interface RecordedAudioOptions {
  /** Start over at the end instead of finishing, like a caller who keeps talking. Default false. */
  loop?: boolean;
  /** Pace frames like a microphone (default true). false: hand frames over as fast as the consumer reads. */
  realtime?: boolean;
  /** Milliseconds per frame. Default {@link defaultFrameMs} of the recording's rate. */
  frameMs?: number;
}

/**
 * A caller's microphone made from a recording: feeds an AgentSession (or a VAD stream) without a room.
 * With `realtime`, the playback clock starts when a consumer first takes {@link stream} (AgentSession
 * does so in start()), so session start-up time does not turn into a burst of queued audio.
 */
export class RecordedAudioInput extends voice.AudioInput {
  /** Synchronous, so session I/O can be built inline; recordings are small. */
  static fromWav(path: string, opts?: RecordedAudioOptions): RecordedAudioInput {
    return new RecordedAudioInput(parseWav(readFileSync(path), path), opts);
  }

  /** Resolves when the last frame has been handed over (never while looping), or on close(). */
  readonly finished: Promise<void>;
  private resolveFinished!: () => void;
  private controller!: ReadableStreamDefaultController<AudioFrame>;
  private readonly frameSamples: number;
  private readonly frameMs: number;
  private readonly totalFrames: number;
  private sent = 0;
  private startedAt?: number;
  private timer?: NodeJS.Timeout;
  private done = false;

  constructor(
    private readonly audio: PcmAudio,
    private readonly opts: RecordedAudioOptions = {},
  ) {
    super();
    this.frameMs = opts.frameMs ?? defaultFrameMs(audio.sampleRate);
    if (!(Number.isFinite(this.frameMs) && this.frameMs > 0)) throw new RangeError(`RecordedAudioInput option frameMs must be a positive number of milliseconds, got ${String(opts.frameMs)}.`);
    this.frameSamples = Math.round((audio.sampleRate * this.frameMs) / 1000);
    this.totalFrames = Math.ceil(audio.samples.length / audio.channels / this.frameSamples);
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
    const source = new ReadableStream<AudioFrame>(
      {
        start: (controller) => void (this.controller = controller),
        // Not realtime: one frame per read, so the consumer's pace is the playback pace. Each frame
        // waits a macrotask, or a looping recording read by a fast consumer would starve the event loop.
        pull: this.realtime ? undefined : () => new Promise<void>((resolve) => setImmediate(() => (this.sendFrame(), resolve()))),
      },
      { highWaterMark: 0 },
    );
    this.multiStream.addInputStream(source);
    if (this.totalFrames === 0) this.finish();
  }

  private get realtime(): boolean {
    return this.opts.realtime ?? true;
  }

  /** Frames handed over so far (keeps counting across loops). */
  get framesSent(): number {
    return this.sent;
  }

  override get stream() {
    if (this.realtime && this.startedAt === undefined && !this.done) {
      this.startedAt = performance.now();
      this.scheduleNext();
    }
    return super.stream;
  }

  override async close(): Promise<void> {
    this.finish();
    await super.close();
  }

  // Deadlines are absolute (start + n * frameMs), so timer lateness never accumulates into drift;
  // a frame is due once it has been fully "captured", as with a real microphone.
  private scheduleNext(): void {
    const deadline = () => this.startedAt! + (this.sent + 1) * this.frameMs;
    // Catch up on every frame already due (the event loop may have stalled), then sleep until the next.
    while (!this.done && deadline() <= performance.now()) this.sendFrame();
    // Clamped: the clock moves between the check above and here, and Node 24 warns on a negative delay.
    if (!this.done) this.timer = setTimeout(() => this.scheduleNext(), Math.max(0, deadline() - performance.now()));
  }

  private sendFrame(): void {
    if (this.done) return;
    const { samples, sampleRate, channels } = this.audio;
    const size = this.frameSamples * channels;
    const start = (this.sent % this.totalFrames) * size;
    // A copy, zero-padded at the tail: consumers may keep frames, and every frame is a full frame.
    const data = new Int16Array(size);
    data.set(samples.subarray(start, start + size));
    this.controller.enqueue(new AudioFrame(data, sampleRate, channels, this.frameSamples));
    this.sent++;
    if (!this.opts.loop && this.sent >= this.totalFrames) this.finish();
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    try {
      this.controller.close(); // frames already queued are still delivered
    } catch {
      // already closed or cancelled by the consumer
    }
    this.resolveFinished();
  }
}
