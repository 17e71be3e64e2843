import { availableParallelism } from 'node:os';
import type { ResolvedOpenRtcOptions, RoomAudioOptions } from './openrtc-options.interface.js';

/** Library defaults: the lowest layer of CLI flag > environment > forRoot() > default. */
export const OPENRTC_DEFAULTS: Readonly<Pick<ResolvedOpenRtcOptions,
  'isolation' | 'maxConcurrentSessions' | 'consecutiveFailureLimit' | 'drainTimeout' | 'acceptOnlyRegisteredRooms' | 'logLevel' | 'autoStart' | 'turnDetection' | 'vad' | 'maxEventLoopUtilization' | 'maxCpuUtilization'>> = {
  isolation: 'coroutine',
  maxConcurrentSessions: 50,
  consecutiveFailureLimit: 5,
  drainTimeout: 30,
  acceptOnlyRegisteredRooms: false,
  logLevel: 'info',
  autoStart: true,
  turnDetection: 'audio',
  // Chosen from `npm run bench` (README, Benchmarks): about a third of Silero's CPU per window,
  // mostly off the JavaScript thread; it kept the event loop within 20 ms at 50 sessions, Silero did not.
  vad: 'native',
  // From the call-cost measurements: over 1 s windows no ELU below 0.7 showed loop p99 above 20 ms; from 0.8 many did.
  maxEventLoopUtilization: 0.7,
  maxCpuUtilization: 0.9,
};

/**
 * Process isolation's warm children: option `idleProcesses`, or upstream's production default
 * min(CPUs, 4). Resolved where it is used, so the resolved options stay free of machine-dependent numbers.
 */
export function idleProcessesOf(options: Pick<ResolvedOpenRtcOptions, 'idleProcesses'>): number {
  return options.idleProcesses ?? Math.min(availableParallelism(), 4);
}

/** Seconds a process-isolation child may take to boot: option `processBootTimeout`, or upstream's 10. */
export function processBootTimeoutOf(options: Pick<ResolvedOpenRtcOptions, 'processBootTimeout'>): number {
  return options.processBootTimeout ?? 10;
}

/**
 * The room input every session gets unless option `roomAudio` says otherwise, chosen from the live
 * benchmark (README, Benchmarks): against upstream's 24 kHz in 10 ms frames, a quarter of the frames
 * and no 24 -> 16 kHz resampling before the VAD cut a call's CPU by about a third, with no later
 * replies. STT plugins resample to their own rate anyway.
 */
export const ROOM_AUDIO_DEFAULTS: Readonly<Required<RoomAudioOptions>> = { sampleRate: 16000, frameSizeMs: 40 };
