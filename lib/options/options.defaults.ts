import { availableParallelism } from 'node:os';
import type { ResolvedOpenRtcOptions } from './openrtc-options.interface.js';

/** Library defaults: the lowest layer of CLI flag > environment > forRoot() > default. */
export const OPENRTC_DEFAULTS: Readonly<Pick<ResolvedOpenRtcOptions,
  'isolation' | 'maxConcurrentSessions' | 'consecutiveFailureLimit' | 'drainTimeout' | 'acceptOnlyRegisteredRooms' | 'logLevel' | 'autoStart' | 'turnDetection' | 'vad'>> = {
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
};

/** Seconds a process-isolation child may take to boot when `processBootTimeout` is unset: upstream's default. */
export const DEFAULT_PROCESS_BOOT_TIMEOUT = 10;

/** Process isolation's warm children when `idleProcesses` is unset: upstream's production default. */
export function defaultIdleProcesses(): number {
  return Math.min(availableParallelism(), 4);
}
