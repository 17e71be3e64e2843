import { EventEmitter } from 'node:events';
import type { OfferRefusal } from './runtime-snapshot.interface.js';
import type { SessionEndOutcome, SessionEventInfo } from './session-event.interface.js';

export interface RuntimeEventMap {
  /** The session's AgentSession runs (it was routed, its agent resolved, the session started). */
  sessionStarted: [SessionEventInfo];
  /** The session ended and was torn down (also one that failed before it started). */
  sessionEnded: [SessionEventInfo, SessionEndOutcome];
  offerAccepted: [];
  offerRefused: [OfferRefusal];
}

/**
 * What the runtime tells observers inside the worker (session event handlers, metrics): emitted
 * synchronously, so each listener must not throw (the ones here are guarded).
 */
export class RuntimeEvents extends EventEmitter<RuntimeEventMap> {}
