// A real caller in a LiveKit room, in a process of its own (@livekit/rtc-node runs one native
// runtime per process, so a caller never shares the worker's). Used by the live tests and the live demo.
//
//   import { startCaller } from './scripts/live-caller.mjs';
//   const caller = await startCaller({ server, room: 'restaurant-1' });   // joined
//   await caller.waitFor('transcription', (e) => e.speaker === 'agent');  // the greeting's text
//   const { endedAt } = await caller.speak();                              // the recording, over WebRTC
//   await caller.waitFor('agent-audio', (e) => e.at > endedAt);            // the answer, heard
//   await caller.leave();
//
// The caller publishes a microphone track fed in real time (silence, and the recording when told to
// speak), subscribes to the agent's audio and reports, with epoch-millisecond timestamps: joined,
// agent-track, agent-audio (each onset of non-silent audio) and agent-audio-end, speech-started and
// speech-ended, transcription (text streams on topic lk.transcription; transcription-broken when
// its sender left mid-stream), disconnected, error.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SELF = fileURLToPath(import.meta.url);
const CHILD_FLAG = '--openrtc-live-caller';
export const DEFAULT_SPEECH = join(dirname(SELF), '..', 'assets', 'speech-16k.wav');
/** RMS (PCM16) above which a 10 ms frame of the agent's audio counts as sound: about -40 dBFS. */
export const SOUND_RMS = 300;

const now = () => performance.timeOrigin + performance.now();

/**
 * Starts a caller process and resolves once it joined `room` (or rejects with why it could not).
 * `server`: { url, apiKey, apiSecret }. Options: `identity`, `audio` (a 16-bit PCM WAV),
 * `dispatch` ({ agentName, metadata }: token dispatch through the room configuration), `roomMetadata`
 * (the room's metadata, when this join creates the room),
 * `onEvent(event)`, `joinTimeoutMs` (30 s).
 */
export async function startCaller({ server, room, identity = `caller-${Math.random().toString(36).slice(2, 8)}`, audio = DEFAULT_SPEECH, dispatch, roomMetadata, onEvent, joinTimeoutMs = 30_000 }) {
  const { AccessToken } = await import('livekit-server-sdk');
  const token = new AccessToken(server.apiKey, server.apiSecret, { identity, name: identity, ttl: '30m' });
  token.addGrant({ room, roomJoin: true, canPublish: true, canSubscribe: true, canPublishData: true });
  if (dispatch || roomMetadata) {
    // Applied by LiveKit when this join creates the room (not to a room that exists already).
    const { RoomConfiguration, RoomAgentDispatch } = await import('@livekit/protocol');
    token.roomConfig = new RoomConfiguration({
      metadata: roomMetadata ?? '',
      agents: dispatch ? [new RoomAgentDispatch({ agentName: dispatch.agentName ?? '', metadata: dispatch.metadata ?? '' })] : [],
    });
  }
  const child = fork(SELF, [CHILD_FLAG], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    execArgv: [],
    // Plain node, and @livekit/rtc-node quiet (it logs at debug level to stdout unless production).
    env: { ...process.env, NODE_OPTIONS: '', NODE_ENV: 'production' },
  });
  const caller = new CallerHandle(child, identity, room, onEvent);
  child.send({ kind: 'join', url: server.url, token: await token.toJwt(), audio });
  try {
    await caller.waitFor('joined', undefined, joinTimeoutMs);
  } catch (error) {
    caller.kill();
    throw error;
  }
  return caller;
}

export class CallerHandle {
  /** Every event so far, in order. */
  events = [];
  stderr = '';
  #waiters = new Set();
  #exit;

  constructor(child, identity, room, onEvent) {
    this.child = child;
    this.identity = identity;
    this.room = room;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => (this.stderr = (this.stderr + chunk).slice(-4000)));
    // A message sent as the caller process dies fails with ERR_IPC_CHANNEL_CLOSED: that caller's waits
    // reject when its exit arrives, so the error must not take the owner process down.
    child.on('error', (error) => (this.stderr = `${this.stderr}\n[caller process: ${error.message}]`.slice(-4000)));
    child.on('message', (event) => {
      this.events.push(event);
      onEvent?.(event);
      for (const waiter of this.#waiters) waiter.check();
    });
    /** Resolves with { code, signal } once the caller process is gone. */
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    void this.exited.then((exit) => {
      this.#exit = exit;
      for (const waiter of this.#waiters) waiter.check();
    });
  }

  /** Events of one kind (optionally matching), in order. */
  all(kind, predicate = () => true) {
    return this.events.filter((event) => event.kind === kind && predicate(event));
  }

  /** The first event of `kind` matching `predicate`, past or future; rejects if the caller ends or the time runs out. */
  waitFor(kind, predicate = () => true, timeoutMs = 60_000) {
    return new Promise((resolve, reject) => {
      const waiter = {
        check: () => {
          const found = this.events.find((event) => event.kind === kind && predicate(event));
          if (found) return settle(() => resolve(found));
          if (this.#exit) return settle(() => reject(new Error(`caller ${this.identity} exited (${this.#exit.signal ?? `code ${this.#exit.code}`}) before '${kind}'. ${this.#summary()}`)));
        },
      };
      const timer = setTimeout(() => settle(() => reject(new Error(`caller ${this.identity} saw no '${kind}' within ${timeoutMs} ms. ${this.#summary()}`))), timeoutMs);
      const settle = (done) => {
        clearTimeout(timer);
        this.#waiters.delete(waiter);
        done();
      };
      this.#waiters.add(waiter);
      waiter.check();
    });
  }

  #summary() {
    const events = this.events.map((e) => `${e.kind}${e.speaker ? `(${e.speaker})` : ''}`).join(', ');
    // The caller's own failure (an uncaught error in its process) says why it left.
    const errors = this.events.filter((e) => e.kind === 'error' || e.kind === 'transcription-broken').map((e) => String(e.message).slice(0, 600));
    return `Events: ${events || '(none)'}.${errors.length ? ` Caller errors: ${errors.join(' | ')}` : ''}${this.stderr ? ` stderr: ${this.stderr.slice(-1500)}` : ''}`;
  }

  /** Speaks the recording (in real time) and resolves with { startedAt, endedAt } once it has played out. */
  async speak(timeoutMs = 60_000) {
    const spoken = this.all('speech-ended').length;
    if (this.child.connected) this.child.send({ kind: 'speak' });
    const ended = await this.waitFor('speech-ended', () => this.all('speech-ended').length > spoken, timeoutMs);
    return { startedAt: ended.startedAt, endedAt: ended.at };
  }

  /** Leaves the room, and resolves once the caller process has exited. */
  async leave(timeoutMs = 15_000) {
    if (!this.#exit && this.child.connected) this.child.send({ kind: 'leave' });
    const timer = setTimeout(() => this.kill(), timeoutMs);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }

  /** Ends the caller process at once (tests call it in afterAll, whatever happened). */
  kill() {
    if (!this.#exit) this.child.kill('SIGKILL');
    return this.exited;
  }
}

/** Reads a 16-bit PCM WAV: { sampleRate, channels, samples (Int16Array, interleaved) }. */
function readWav(path) {
  const data = readFileSync(path);
  if (data.toString('ascii', 0, 4) !== 'RIFF' || data.toString('ascii', 8, 12) !== 'WAVE') throw new Error(`${path} is not a WAV file`);
  let format;
  for (let offset = 12; offset + 8 <= data.length; ) {
    const id = data.toString('ascii', offset, offset + 4);
    const size = data.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') format = { encoding: data.readUInt16LE(body), channels: data.readUInt16LE(body + 2), sampleRate: data.readUInt32LE(body + 4), bits: data.readUInt16LE(body + 14) };
    if (id === 'data') {
      if (!format || format.encoding !== 1 || format.bits !== 16) throw new Error(`${path} must be 16-bit PCM`);
      const bytes = data.subarray(body, body + size);
      const samples = new Int16Array(bytes.length / 2);
      for (let i = 0; i < samples.length; i++) samples[i] = bytes.readInt16LE(i * 2);
      return { sampleRate: format.sampleRate, channels: format.channels, samples };
    }
    offset = body + size + (size % 2);
  }
  throw new Error(`${path} has no data chunk`);
}

/** The caller process: joins, feeds its microphone, listens to the agent, reports to its parent. */
async function runCaller(firstMessage) {
  const rtc = await import('@livekit/rtc-node');
  const { AudioFrame, AudioSource, AudioStream, LocalAudioTrack, ParticipantKind, Room, RoomEvent, TrackKind, TrackPublishOptions, TrackSource } = rtc;
  const send = (kind, fields = {}) => process.connected && process.send({ kind, at: now(), ...fields });
  const room = new Room();
  let leaving = false;
  let speech;
  let speakRequested = false;
  let mySid = '';

  const leave = async (code = 0) => {
    if (leaving) return;
    leaving = true;
    await room.disconnect().catch(() => undefined);
    await rtc.dispose().catch(() => undefined);
    process.exit(code);
  };
  process.on('disconnect', () => void leave(0));
  const fail = (error) => {
    send('error', { message: String(error?.stack ?? error) });
    void leave(1);
  };
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);

  const listen = async (track, participant) => {
    send('agent-track', { participant: participant.identity, trackSid: track.sid });
    const stream = new AudioStream(track, { sampleRate: 48_000, numChannels: 1 });
    let sounding = false;
    let quiet = 0;
    for await (const frame of stream) {
      let sum = 0;
      for (let i = 0; i < frame.data.length; i++) sum += frame.data[i] * frame.data[i];
      const rms = Math.sqrt(sum / Math.max(1, frame.data.length));
      if (rms > SOUND_RMS) {
        quiet = 0;
        if (!sounding) send('agent-audio', { participant: participant.identity, rms: Math.round(rms) });
        sounding = true;
      } else if (sounding && ++quiet >= 30) {
        sounding = false;
        send('agent-audio-end', { participant: participant.identity });
      }
    }
  };

  room.on(RoomEvent.TrackSubscribed, (track, _publication, participant) => {
    if (track.kind === TrackKind.KIND_AUDIO && participant.kind === ParticipantKind.AGENT) void listen(track, participant).catch(fail);
  });
  room.on(RoomEvent.ParticipantConnected, (participant) => send('participant-joined', { participant: participant.identity, agent: participant.kind === ParticipantKind.AGENT }));
  room.on(RoomEvent.ParticipantDisconnected, (participant) => send('participant-left', { participant: participant.identity }));
  room.on(RoomEvent.Disconnected, (reason) => {
    send('disconnected', { reason });
    if (!leaving) void leave(0);
  });
  room.registerTextStreamHandler('lk.transcription', async (reader, from) => {
    const attributes = reader.info.attributes ?? {};
    let text;
    try {
      text = await reader.readAll();
    } catch (error) {
      // The agent left in the middle of a segment ("stream closed abnormally"): an event the test
      // can report, not a crash of the caller.
      send('transcription-broken', { from: from.identity, message: String(error?.message ?? error) });
      return;
    }
    const trackId = attributes['lk.transcribed_track_id'];
    const speaker = from.identity === room.localParticipant?.identity || (mySid && trackId === mySid) ? 'caller' : 'agent';
    send('transcription', { speaker, text, final: attributes['lk.transcription_final'] === 'true', segmentId: attributes['lk.segment_id'], from: from.identity });
  });

  const { url, token, audio } = await firstMessage;
  const wav = readWav(audio);
  if (wav.channels !== 1) throw new Error(`${audio}: the caller speaks mono recordings only`);
  process.on('message', (message) => {
    if (message?.kind === 'speak') speakRequested = true;
    if (message?.kind === 'leave') void leave(0);
  });

  // A loaded machine can starve the signal connection past rtc-node's own timeout ("signal failure:
  // transport timed out"): the caller dials again, as a person would, before it gives up.
  for (let attempt = 1; ; attempt++) {
    try {
      await room.connect(url, token, { autoSubscribe: true, dynacast: false });
      break;
    } catch (error) {
      if (attempt >= 3) throw error;
      send('connect-retry', { attempt, message: String(error?.message ?? error) });
    }
  }
  // A short queue keeps the microphone close to real time, so speech-ended is when the audio left.
  const source = new AudioSource(wav.sampleRate, 1, 100);
  const track = LocalAudioTrack.createAudioTrack('microphone', source);
  const publication = await room.localParticipant.publishTrack(track, new TrackPublishOptions({ source: TrackSource.SOURCE_MICROPHONE }));
  mySid = publication.sid ?? track.sid ?? '';
  send('joined', { identity: room.localParticipant.identity, room: room.name, trackSid: mySid });

  // The microphone: 20 ms frames, silence unless speaking; captureFrame paces it in real time.
  const frameSamples = wav.sampleRate / 50;
  const silence = new Int16Array(frameSamples);
  while (!leaving) {
    if (speakRequested && !speech) {
      speakRequested = false;
      speech = { offset: 0, startedAt: now() + source.queuedDuration };
      send('speech-started', { at: speech.startedAt });
    }
    let data = silence;
    if (speech) {
      data = wav.samples.slice(speech.offset, speech.offset + frameSamples);
      speech.offset += frameSamples;
    }
    await source.captureFrame(new AudioFrame(data.length === frameSamples ? data : padded(data, frameSamples), wav.sampleRate, 1, frameSamples));
    if (speech && speech.offset >= wav.samples.length) {
      send('speech-ended', { at: now() + source.queuedDuration, startedAt: speech.startedAt });
      speech = undefined;
    }
  }
}

function padded(data, length) {
  const out = new Int16Array(length);
  out.set(data);
  return out;
}

if (process.argv[1] === SELF && process.argv[2] === CHILD_FLAG) {
  // Listen at once: a message sent while nobody listens is lost.
  const firstMessage = new Promise((resolve) => process.once('message', resolve));
  runCaller(firstMessage).catch((error) => {
    if (process.connected) process.send({ kind: 'error', at: now(), message: String(error?.stack ?? error) });
    process.exitCode = 1;
    setTimeout(() => process.exit(1), 100);
  });
}
