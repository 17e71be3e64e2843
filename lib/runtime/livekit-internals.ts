// The ONE file of this package that touches @livekit/agents internals (notes: agents-js-internals §2).
// AgentServer keeps its ProcPool in a hard-private field, but ProcPool.prototype is shared and
// writable: wrapping start/launchJob/processes lets a pool of ours take over how jobs execute,
// for our own servers only. Everything else (registration, availability, assignment, load reports,
// reconnects, health, drain) stays upstream's.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { version, type RunningJobInfo } from '@livekit/agents';
import { AudioStream, dispose as disposeRtcRuntime } from '@livekit/rtc-node';
import { OpenRtcSetupError } from '../errors/openrtc.errors.js';

const SUPPORTED = /^1\.9\.\d+$/;

/** Upstream's JobStatus (ipc/job_executor.ts; not exported). */
export enum JobStatus {
  RUNNING,
  FAILED,
  SUCCESS,
}

/** Upstream's JobExecutor interface (not exported): what AgentServer and ProcPool call on an executor. */
export interface JobExecutor {
  started: boolean;
  userArguments: unknown;
  runningJob: RunningJobInfo | undefined;
  status: JobStatus;
  start(): Promise<void>;
  join(): Promise<void>;
  initialize(options: { sessionEndTimeout: number }): Promise<void>;
  close(): Promise<void>;
  launchJob(info: RunningJobInfo): Promise<void>;
}

/** The parts of upstream's ProcPool that hosts use. */
export interface ProcPoolLike {
  agent: string;
  started: boolean;
  closed: boolean;
  executors: JobExecutor[];
  inferenceExecutor?: InferenceExecutorLike;
  /** Held while a child boots (start + initialize); upstream's is a Mutex: one child at a time. */
  initMutex: { lock(): Promise<() => void> };
  start(): void;
  launchJob(info: RunningJobInfo): Promise<void>;
  getByJobId(id: string): JobExecutor | null;
  close(): Promise<void>;
}

export interface InferenceExecutorLike {
  doInference(method: string, data: unknown): Promise<unknown>;
  start(): Promise<void>;
  initialize(): Promise<void>;
  close(): Promise<void>;
  readonly started?: boolean;
}

/** A pool of ours: sees its ProcPool once, and may take over job execution (coroutine mode). */
export interface PoolHost {
  attach(pool: ProcPoolLike): void;
  /** Set in coroutine mode: runs a job instead of upstream's process pool. */
  launchJob?(pool: ProcPoolLike, info: RunningJobInfo): Promise<void>;
  /** Process mode: told after upstream launched a job in a child process. */
  launched?(pool: ProcPoolLike, info: RunningJobInfo): void;
  /** Process mode: how many children may boot at once (upstream boots one at a time). */
  bootConcurrency?: number;
  /** Process mode: told when a child failed to boot (upstream kills it and boots another, silently). */
  bootFailed?(error: Error): void;
}

const hosts = new Map<string, PoolHost>();
const PATCHED = Symbol.for('@openrtc/nestjs:proc-pool-seam');
let installing: Promise<void> | undefined;

/** Fails at startup, before any job, on an @livekit/agents version the seam was not verified against. */
export function assertSupportedVersion(installed: string = version): void {
  if (!SUPPORTED.test(installed)) {
    throw new OpenRtcSetupError(
      `isolation: 'coroutine' supports @livekit/agents 1.9.x, but ${installed} is installed. ` +
        "Install @livekit/agents@~1.9.0, or set OpenRtcModule option isolation: 'process' (upstream's process pool, no internals touched).",
    );
  }
}

const isCommonJs = typeof require === 'function';

/** Where this package's copy of @livekit/agents resolves (its CJS entry: the dist/ folder holds both builds). */
function agentsEntry(): string {
  return (isCommonJs ? require : createRequire(import.meta.url)).resolve('@livekit/agents');
}

/** A package as @livekit/agents itself resolves it (the very copy upstream uses). */
function fromAgents<T>(name: string): T {
  return createRequire(agentsEntry())(name) as T;
}

/** Loads ProcPool from the same copy (ESM or CJS build) of @livekit/agents this package runs against. */
async function loadProcPool(): Promise<{ prototype: ProcPoolLike }> {
  const distDir = dirname(agentsEntry());
  const mod = isCommonJs ? require(join(distDir, 'ipc/proc_pool.cjs')) : await import(pathToFileURL(join(distDir, 'ipc/proc_pool.js')).href);
  const ProcPool = mod.ProcPool;
  const proto = ProcPool?.prototype;
  if (typeof proto?.start !== 'function' || typeof proto?.launchJob !== 'function' || !Object.getOwnPropertyDescriptor(proto, 'processes')?.get) {
    throw new OpenRtcSetupError(`@livekit/agents ${version} has an unexpected ProcPool shape. Set OpenRtcModule option isolation: 'process'.`);
  }
  return ProcPool;
}

/**
 * Upstream's pool swallows a child's failed initialize() (a timeout, or an exit while booting) and
 * boots another: each child the pool adds to its executors reports that failure to `report` first.
 */
function reportBootFailures(pool: ProcPoolLike, report: (error: Error) => void): void {
  const executors = pool.executors;
  const push = executors.push;
  executors.push = (...added: JobExecutor[]) => {
    for (const executor of added) {
      const initialize = executor.initialize;
      executor.initialize = async function (this: JobExecutor, options) {
        try {
          return await initialize.call(this, options);
        } catch (error) {
          if (!pool.closed) report(error as Error);
          throw error;
        }
      };
    }
    return push.apply(executors, added);
  };
}

async function installSeam(): Promise<void> {
  const proto = (await loadProcPool()).prototype as ProcPoolLike & { [PATCHED]?: boolean };
  if (proto[PATCHED]) return;
  const start = proto.start;
  const launchJob = proto.launchJob;
  const processes = Object.getOwnPropertyDescriptor(proto, 'processes')!.get!;
  const attach = (pool: ProcPoolLike) => {
    const host = hosts.get(pool.agent);
    host?.attach(pool);
    return host;
  };
  proto.start = function (this: ProcPoolLike) {
    const host = attach(this);
    if (host?.launchJob) {
      this.started = true; // no idle processes to keep warm: jobs run in this process
      return;
    }
    // A child needs about 2 s (3 s of CPU) to boot; upstream's one-at-a-time initMutex leaves the
    // other cores idle while a burst of calls waits. Upstream's own MultiMutex lets several boot at
    // once (still at most numIdleProcesses, which upstream's procMutex bounds).
    const concurrency = host?.bootConcurrency ?? 1;
    if (!this.started && concurrency > 1) {
      const { MultiMutex } = fromAgents<{ MultiMutex: new (limit: number) => ProcPoolLike['initMutex'] }>('@livekit/mutex');
      this.initMutex = new MultiMutex(concurrency);
    }
    if (!this.started && host?.bootFailed) reportBootFailures(this, host.bootFailed);
    return start.call(this);
  };
  proto.launchJob = function (this: ProcPoolLike, info: RunningJobInfo) {
    const host = attach(this);
    if (host?.launchJob) return host.launchJob(this, info);
    return launchJob.call(this, info).then(() => host?.launched?.(this, info));
  };
  Object.defineProperty(proto, 'processes', {
    configurable: true,
    get(this: ProcPoolLike) {
      attach(this);
      return processes.call(this);
    },
  });
  proto[PATCHED] = true;
}

/** Routes the ProcPool whose `agent` equals `key` to `host`. Installs the seam once per process. */
export async function registerPoolHost(key: string, host: PoolHost): Promise<void> {
  installing ??= installSeam().catch((error) => {
    installing = undefined;
    throw error;
  });
  await installing;
  hosts.set(key, host);
}

export function unregisterPoolHost(key: string): void {
  hosts.delete(key);
}

/**
 * Starts upstream's shared inference process (the audio end-of-turn model) for a pool whose
 * AgentServer is not connected: `AgentServer.run()` normally does this, and local simulated
 * sessions need turn detection without LiveKit.
 */
export async function startInferenceExecutor(pool: ProcPoolLike): Promise<void> {
  const executor = pool.inferenceExecutor;
  if (!executor || executor.started) return;
  await executor.start();
  await executor.initialize();
}

export async function closeInferenceExecutor(pool: ProcPoolLike): Promise<void> {
  await pool.inferenceExecutor?.close();
}

/**
 * Resolves once the pool's inference process has exited: upstream's close() asks it to shut down
 * (and kills it on a timeout) but resolves before the exit, leaving its handles in this process.
 */
export async function inferenceProcessExited(pool: ProcPoolLike | undefined): Promise<void> {
  const child = (pool?.inferenceExecutor as { proc?: import('node:child_process').ChildProcess } | undefined)?.proc;
  if (!child) return;
  const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', resolve));
  const pipes = child.stdio.filter((stream) => stream && !stream.destroyed).map((stream) => new Promise((resolve) => stream!.once('close', resolve)));
  await Promise.all([exited, ...pipes]);
  // Node closes the process handle and its IPC pipe in the close phase of the next turn of the loop.
  for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * How a process-mode job ended. Upstream's process executor never records SUCCESS or FAILED (its
 * status stays RUNNING), so read the child's own `exiting` message and exit code instead.
 */
export function watchProcessJob(executor: JobExecutor, onMessage: (kind: string, value: unknown) => void = () => undefined): Promise<{ success: boolean; reason: string }> {
  const child = (executor as { proc?: import('node:child_process').ChildProcess }).proc;
  if (!child) return executor.join().then(() => ({ success: false, reason: 'no child process' }));
  let reason = 'exited';
  // Upstream's IPC ignores message kinds it does not know, so the child may send ours on it too.
  child.on('message', (message: { case?: string; value?: { reason?: string } }) => {
    if (message?.case === 'exiting') reason = message.value?.reason ?? reason;
    else if (message?.case) onMessage(message.case, message.value);
  });
  return new Promise((resolve) => {
    const done = (code: number | null) => resolve({ success: code === 0 && reason !== 'job crashed', reason: code === 0 ? reason : `${reason} (exit code ${code})` });
    if (child.exitCode !== null) done(child.exitCode);
    else child.once('exit', done);
  });
}

// @livekit/agents keeps its logger process-wide under these keys (log_core.ts), shared by its ESM
// and CJS builds; initializeLogger() can only print to stdout.
const LOGGER_KEY = Symbol.for('@livekit/agents:logger');
const LOGGER_OPTIONS_KEY = Symbol.for('@livekit/agents:loggerOptions');

export function liveKitLoggerInitialized(): boolean {
  return (globalThis as Record<symbol, unknown>)[LOGGER_KEY] !== undefined;
}

/** Where routed LiveKit records go, with the level the app configured for them. */
export type LiveKitRecordWriter = (record: Record<string, unknown>, routing: { level: string }) => void;

/**
 * Gives @livekit/agents a pino logger whose records go to `write` instead of stdout, and points
 * @livekit/rtc-node's own pino logger (which prints debug lines to stdout unless NODE_ENV=production)
 * the same way, at the same level: one log stream for the app.
 */
export function routeLiveKitLogs(level: string, write: LiveKitRecordWriter): void {
  const { pino } = fromAgents<typeof import('pino')>('pino');
  const destination = pinoDestination(level, write);
  const logger = pino({ level, serializers: { error: pino.stdSerializers.err } }, destination);
  const globals = globalThis as Record<symbol, unknown>;
  globals[LOGGER_OPTIONS_KEY] = { pretty: false, level };
  globals[LOGGER_KEY] = logger;
  routeRtcNodeLogs(level, destination);
}

function pinoDestination(level: string, write: LiveKitRecordWriter): { write(line: string): void } {
  return {
    write(line: string) {
      let record: unknown;
      try {
        record = JSON.parse(line);
      } catch {
        return; // not a JSON record: nothing to forward
      }
      write(record as Record<string, unknown>, { level });
    },
  };
}

/**
 * rtc-node 0.13 builds one pino logger at import (dist/log.cjs, shared by its ESM entry, which
 * re-exports the CJS build) and exports no way to configure it; its stream and level are swapped here.
 */
function routeRtcNodeLogs(level: string, destination: { write(line: string): void }): void {
  try {
    const rtcEntry = createRequire(agentsEntry()).resolve('@livekit/rtc-node');
    const rtcRequire = createRequire(rtcEntry);
    const { log } = rtcRequire('./log.cjs') as { log?: Record<symbol, unknown> & { level: string } };
    const { symbols } = rtcRequire('pino') as { symbols?: { streamSym?: symbol } };
    if (!log || !symbols?.streamSym || !(symbols.streamSym in log)) return;
    log[symbols.streamSym] = destination;
    log.level = level;
  } catch {
    // another rtc-node layout: its logger keeps printing as before
  }
}

/**
 * Opens the worker websocket once, as upstream's AgentServer.run() does (same URL rewrite, same
 * agent-grant token, the same ws and livekit-server-sdk copies), and closes it at once: 'refused'
 * when LiveKit answers 401/403, 'accepted' when it opens, 'unknown' otherwise (unreachable,
 * other errors: upstream's own retries report those).
 */
export async function probeWorkerAuth(credentials: { url: string; apiKey: string; apiSecret: string }, timeoutMs = 5_000): Promise<'refused' | 'accepted' | 'unknown'> {
  try {
    const { AccessToken } = fromAgents<typeof import('livekit-server-sdk')>('livekit-server-sdk');
    const WebSocket = fromAgents<typeof import('ws').WebSocket>('ws');
    const url = new URL(credentials.url);
    url.protocol = url.protocol.replace('http', 'ws');
    const token = new AccessToken(credentials.apiKey, credentials.apiSecret);
    token.addGrant({ agent: true });
    const jwt = await token.toJwt();
    return await new Promise((resolve) => {
      const socket = new WebSocket(new URL(url + 'agent'), { headers: { authorization: `Bearer ${jwt}` } });
      const done = (verdict: 'refused' | 'accepted' | 'unknown') => {
        clearTimeout(timer);
        socket.removeAllListeners();
        socket.on('error', () => undefined);
        socket.terminate();
        resolve(verdict);
      };
      const timer = setTimeout(() => done('unknown'), timeoutMs);
      socket.on('open', () => done('accepted'));
      socket.on('unexpected-response', (_request: unknown, response: { statusCode?: number }) => done(response.statusCode === 401 || response.statusCode === 403 ? 'refused' : 'unknown'));
      socket.on('error', () => done('unknown'));
    });
  } catch {
    return 'unknown';
  }
}

/**
 * Upstream's AgentSession.close() cancels its user-away timer (userAwayTimeout, 15 s by default),
 * then, still closing, commits the user's turn, which marks the user listening and arms it again:
 * a closed session keeps the process alive 15 s. A job child exits anyway; in-process sessions
 * must let go of it.
 */
export function releaseClosedSessionTimers(session: object | undefined): void {
  const internal = session as { _cancelUserAwayTimer?: () => void } | undefined;
  if (typeof internal?._cancelUserAwayTimer === 'function') internal._cancelUserAwayTimer();
}

let rtcUsers = 0;

/**
 * Holds @livekit/rtc-node's native runtime for a coroutine worker; the last release disposes it.
 * From the first real Room.connect() on, its FFI callback keeps the event loop alive: a job child
 * calls dispose() before it exits, but in-process sessions never exit, so a closed app would hang
 * its process. Clearing rtc-node's global client lets a later Room initialise a fresh runtime.
 */
export function holdRtcRuntime(): () => Promise<void> {
  rtcUsers += 1;
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    const global = globalThis as { _ffiClientInstance?: unknown };
    if (--rtcUsers > 0 || !global._ffiClientInstance) return;
    await disposeRtcRuntime();
    delete global._ffiClientInstance;
  };
}

/**
 * Process mode, once the pool is closing: kills the children that hold no job (warm spares, or
 * spares still booting). A booting child ignores upstream's shutdown request, so close() would wait
 * the whole shutdownProcessTimeout for it; a spare has no call to lose.
 */
export function killIdleChildren(pool: ProcPoolLike): void {
  if (!pool.closed) return; // an open pool would only start replacements
  for (const executor of pool.executors) {
    if (!executor.runningJob) (executor as { proc?: import('node:child_process').ChildProcess }).proc?.kill('SIGKILL');
  }
}

/**
 * Room input frame size. agents-js 1.9's room input (voice/room_io/_input.js,
 * ParticipantAudioInputStream.createStream) opens rtc-node's AudioStream without `frameSizeMs`, so a
 * call delivers one 10 ms frame (one FFI event) at a time. Given a frame size, the FFI re-chunks
 * natively and every per-frame cost downstream (streams, VAD, resampling) is paid less often.
 * Set per room, so only the rooms of our sessions are affected.
 */
const roomInputFrameSizes = new WeakMap<object, number>();
let roomInputPatched: Promise<void> | undefined;

export function setRoomInputFrameSize(room: object, frameSizeMs: number): Promise<void> {
  roomInputFrameSizes.set(room, frameSizeMs);
  return (roomInputPatched ??= patchRoomInput());
}

type AudioStreamOptions = ConstructorParameters<typeof AudioStream>[1];
interface RoomInputLike {
  room?: object;
  sampleRate: number;
  numChannels: number;
  noiseCancellation?: unknown;
  frameProcessor?: unknown;
  createStream(track: unknown): unknown;
}

async function patchRoomInput(): Promise<void> {
  if (!SUPPORTED.test(version)) {
    throw new OpenRtcSetupError(`roomAudio.frameSizeMs needs @livekit/agents 1.9.x (its room input was verified), but ${version} is installed. Set roomAudio.frameSizeMs to 10 (upstream's frames), or install @livekit/agents@~1.9.0.`);
  }
  const file = join(dirname(agentsEntry()), 'voice/room_io', isCommonJs ? '_input.cjs' : '_input.js');
  const mod = isCommonJs ? require(file) : await import(pathToFileURL(file).href);
  const proto = mod.ParticipantAudioInputStream?.prototype as RoomInputLike | undefined;
  if (typeof proto?.createStream !== 'function') {
    throw new OpenRtcSetupError(`@livekit/agents ${version} has an unexpected room input (no ParticipantAudioInputStream.createStream). Set roomAudio.frameSizeMs to 10 (upstream's frames).`);
  }
  const createStream = proto.createStream;
  proto.createStream = function (this: RoomInputLike, track: unknown) {
    const frameSizeMs = this.room ? roomInputFrameSizes.get(this.room) : undefined;
    if (!frameSizeMs) return createStream.call(this, track);
    // Upstream's own options (createStream in _input.js), plus the frame size.
    return new AudioStream(track as ConstructorParameters<typeof AudioStream>[0], {
      sampleRate: this.sampleRate,
      numChannels: this.numChannels,
      noiseCancellation: this.frameProcessor || this.noiseCancellation,
      autoCloseNoiseCancellation: false,
      frameSizeMs,
    } as AudioStreamOptions);
  };
}
