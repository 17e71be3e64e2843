import type { JobRequest } from '@livekit/agents';
import type { AgentSettings, ProviderValue } from '../agents/agent-config.interface.js';
import type { RoutingJob } from '../routing/routing-job.interface.js';

/** @publicApi */
export type Isolation = 'coroutine' | 'process';

/** @publicApi */
export type TurnDetection = 'audio' | 'multilingual' | 'vad' | 'none';

/**
 * Which voice activity detector sessions share: `'native'`, the Silero model bundled with
 * @livekit/agents in `@livekit/local-inference` (runs off the JavaScript thread), or `'silero'`,
 * `@livekit/agents-plugin-silero` on onnxruntime-node (runs on the JavaScript thread).
 * @publicApi
 */
export type VadImplementation = 'silero' | 'native';

/** @publicApi */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** Values applied to every agent that leaves them unset. @publicApi */
export interface AgentDefaults {
  stt?: ProviderValue;
  llm?: ProviderValue;
  tts?: ProviderValue;
  greeting?: string;
}

/**
 * A custom routing hook, consulted before any metadata. Return a registered agent name, or
 * `undefined`/`null` to defer to the built-in chain. A throw or an unknown name fails the job.
 * @publicApi
 */
export type AgentRouter = (job: RoutingJob) => string | null | undefined | Promise<string | null | undefined>;

/** Decides on a job offer: must call `request.accept()` or `request.reject()`. @publicApi */
export type RequestFilter = (request: JobRequest) => Promise<void> | void;

/** @publicApi */
export interface LiveKitConnectionOptions {
  url?: string;
  apiKey?: string;
  apiSecret?: string;
}

/** Options of `OpenRtcModule.forRoot()` / `forRootAsync()`. @publicApi */
export interface OpenRtcModuleOptions {
  /** `'coroutine'` (default): sessions share this process; `'process'`: one child process per session. */
  isolation?: Isolation;
  /** Sessions this worker holds at once before it refuses offers and reports itself full. Default 50. */
  maxConcurrentSessions?: number;
  /** Non-successful session endings in a row before the supervisor acts. Default 5. */
  consecutiveFailureLimit?: number;
  /** Seconds a drain waits for in-flight sessions before cancelling them. Default 30. */
  drainTimeout?: number;
  /** Register for explicit dispatch under this name; unset means automatic dispatch. */
  agentName?: string;
  /** Providers and greeting for agents that leave them unset. */
  defaults?: AgentDefaults;
  /**
   * Settings per agent name, laid over what `@Agent()` or `pool.add()` set for that agent (its
   * `sessionOptions` merge key by key): for greetings and providers that come from configuration,
   * e.g. `forRootAsync({ inject: [ConfigService], useFactory })`. Each name must be a registered agent.
   */
  agents?: Record<string, AgentSettings | undefined>;
  /** The fallback agent; unset means the first registered. */
  defaultAgent?: string;
  router?: AgentRouter;
  requestFilter?: RequestFilter;
  /** Accept only jobs whose metadata or room name names a registered agent. */
  acceptOnlyRegisteredRooms?: boolean;
  livekit?: LiveKitConnectionOptions;
  logLevel?: LogLevel;
  /** Start the worker at application bootstrap (default). `false`: nothing connects until `pool.start()`. */
  autoStart?: boolean;
  /**
   * Process isolation only: the built file that exports the app's root module, so each child
   * process can boot the agents with full DI. The `openrtc` CLI sets it for you.
   */
  appModule?: { path: string; exportName?: string };
  /**
   * Process isolation only: how many children to keep booted and waiting for calls (upstream's
   * `numIdleProcesses`). Default min(CPUs, 4), upstream's. Size it to your bursts: a call beyond the
   * warm ones waits for a child to boot (about 2 s). Each waiting child holds about 100 MB.
   */
  idleProcesses?: number;
  /**
   * Process isolation only: seconds a child may take to boot (node, @livekit/agents, the app, the
   * models) before it is killed. Default 10, upstream's. A busy host boots children slower.
   */
  processBootTimeout?: number;
  /** What the failure supervisor does after `consecutiveFailureLimit` failed sessions in a row. Default: drain and exit non-zero. */
  onFailureLimit?: (event: { consecutiveFailures: number; lastError: unknown }) => unknown;
  /** Turn detection every session gets. Default `'audio'` (the offline end-of-turn model bundled with @livekit/agents). */
  turnDetection?: TurnDetection;
  /**
   * Where LiveKit's worker health endpoint listens (`GET /` 200 when connected, `GET /worker`).
   * Default: a free port on 127.0.0.1, so several workers can share a host. For platform probes
   * set e.g. `{ host: '0.0.0.0', port: 8081 }` (LiveKit's production default).
   */
  health?: { host?: string; port?: number };
  /**
   * Megabytes of resident memory above which a warning is logged, once per crossing, naming the
   * running sessions. Coroutine isolation: the worker process's RSS; process isolation: each
   * session's child (upstream's `jobMemoryWarnMB`, default 1000). 0 or unset: no warning in coroutine isolation.
   */
  memoryWarnMB?: number;
  /**
   * Megabytes of resident memory above which the worker stops taking calls. Coroutine isolation: the
   * worker drains (running calls get up to drainTimeout) and exits non-zero for the platform to
   * restart it. Process isolation: upstream kills the child over it (`jobMemoryLimitMB`). 0 or unset: no limit.
   */
  memoryLimitMB?: number;
  /** The VAD every session shares. Default `'native'` (see the README's Benchmarks section for why). */
  vad?: VadImplementation;
  /**
   * Admission by headroom: offers are refused (and the worker reports itself full to LiveKit) while
   * the event loop's utilization over the last few seconds is at or above this share (0-1].
   * Default 0.7: above it the loop's delay rises steeply. `false` or 0: not checked.
   */
  maxEventLoopUtilization?: number | false;
  /**
   * Admission by headroom: offers are refused while the CPU of this worker and its child processes
   * over the last few seconds, as a share of the available cores, is at or above this (0-1].
   * Default 0.9. `false` or 0: not checked.
   */
  maxCpuUtilization?: number | false;
  /**
   * Seconds an `@OnSessionStart()` / `@OnSessionEnd()` / `@OnSessionFailed()` handler may run
   * before it is logged as slow and left behind (the call never waits for it). Default 5.
   */
  sessionEventTimeout?: number;
  /**
   * Prometheus metrics through `prom-client` (an optional peer: `npm install prom-client`).
   * `true`: on prom-client's default registry (what `@willsoto/nestjs-prometheus` serves), prefix
   * `openrtc_`; or `{ registry, prefix }`.
   */
  metrics?: boolean | MetricsOptions;
  /**
   * The caller's audio as the session receives it from the room. Unset fields keep upstream's room
   * input (24 kHz, 10 ms frames). 16 kHz suits the VAD and STT plugins (they resample anyway);
   * longer frames mean fewer per-frame costs and up to `frameSizeMs - 10` ms more buffering.
   */
  roomAudio?: RoomAudioOptions;
}

/** @publicApi */
export interface MetricsOptions {
  /** A prom-client `Registry`. Default: prom-client's default `register`. */
  registry?: { registerMetric(metric: unknown): void; getSingleMetric(name: string): unknown; removeSingleMetric(name: string): void };
  /** Prepended to every metric name. Default `'openrtc_'`. */
  prefix?: string;
}

/** @publicApi */
export interface RoomAudioOptions {
  /** Hz: 8000, 16000, 24000 or 48000. Upstream's default is 24000. */
  sampleRate?: number;
  /** Milliseconds of audio per frame, 10 to 100 in steps of 10 (rtc-node's `frameSizeMs`). Upstream delivers 10. */
  frameSizeMs?: number;
}

/**
 * A class that builds the module's options, for `OpenRtcModule.forRootAsync({ useClass })` or
 * `forRootAsync({ useExisting })`, as `@nestjs/*` modules take their options factories.
 * @publicApi
 */
export interface OpenRtcOptionsFactory {
  createOpenRtcOptions(): OpenRtcModuleOptions | Promise<OpenRtcModuleOptions>;
}

/** Options after defaults are applied and validation passed. */
export interface ResolvedOpenRtcOptions extends Omit<OpenRtcModuleOptions, 'livekit' | 'defaults'> {
  isolation: Isolation;
  maxConcurrentSessions: number;
  consecutiveFailureLimit: number;
  drainTimeout: number;
  defaults: AgentDefaults;
  acceptOnlyRegisteredRooms: boolean;
  livekit: LiveKitConnectionOptions;
  logLevel: LogLevel;
  autoStart: boolean;
  turnDetection: TurnDetection;
  vad: VadImplementation;
  maxEventLoopUtilization: number | false;
  maxCpuUtilization: number | false;
}
