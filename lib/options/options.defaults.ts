import type { ResolvedOpenRtcOptions } from './openrtc-options.interface.js';

/** Library defaults: the lowest layer of CLI flag > environment > forRoot() > default. */
export const OPENRTC_DEFAULTS: Readonly<Pick<ResolvedOpenRtcOptions,
  'isolation' | 'maxConcurrentSessions' | 'consecutiveFailureLimit' | 'drainTimeout' | 'acceptOnlyRegisteredRooms' | 'logLevel' | 'autoStart' | 'turnDetection'>> = {
  isolation: 'coroutine',
  maxConcurrentSessions: 50,
  consecutiveFailureLimit: 5,
  drainTimeout: 30,
  acceptOnlyRegisteredRooms: false,
  logLevel: 'info',
  autoStart: true,
  turnDetection: 'audio',
};
