import { Logger } from '@nestjs/common';
import type { JobRequest } from '@livekit/agents';
import { AgentRoutingError } from '../errors/openrtc.errors.js';
import type { ResolvedOpenRtcOptions } from '../options/openrtc-options.interface.js';
import type { AgentResolver } from './agent.resolver.js';
import type { OfferRefusal } from '../observability/runtime-snapshot.interface.js';

/** Why an offer the app would take is refused. */
export type AdmissionRefusal = 'capacity' | 'headroom' | 'draining';

export interface AdmissionState {
  draining(): boolean;
  /**
   * Reserves a session slot for an accepted job; otherwise says why not (at capacity, or no
   * headroom left), with the sentence the log gives.
   */
  reserve(jobId: string): { refused: AdmissionRefusal; why: string } | undefined;
  /** Counts an offer refused for a reason `reserve` did not report (the drain). */
  refused?(reason: AdmissionRefusal): void;
  /** How the offer was answered: once per offer. */
  offered?(outcome: 'accepted' | OfferRefusal): void;
}

/**
 * The AgentServer's requestFunc: refuses while draining, jobs this worker cannot route, and offers
 * beyond capacity (upstream only reports load), then applies the user's filter or
 * `acceptOnlyRegisteredRooms`. Every offer gets an answer: a
 * filter that neither accepts nor rejects is treated as a rejection, as is a filter that throws.
 */
export function createRequestFilter(options: ResolvedOpenRtcOptions, resolver: AgentResolver, admission: AdmissionState) {
  const logger = new Logger('OpenRTC');
  return async (request: JobRequest): Promise<void> => {
    const roomName = request.room?.name ?? '';
    const jobId = request.id;
    if (admission.draining()) {
      admission.refused?.('draining');
      logger.log(`Rejecting job '${jobId}' for room '${roomName}': the worker is draining.`);
      admission.offered?.('draining');
      return request.reject();
    }
    // Routed here from the job itself (metadata, room name, defaultAgent), so that a job naming an
    // agent this worker does not have is refused, not accepted to fail. A custom router runs in
    // the session instead: it may read the job context, which exists only there.
    if (!options.router) {
      try {
        await resolver.resolve({ id: jobId, metadata: request.job.metadata, room: request.room });
      } catch (error) {
        if (!(error instanceof AgentRoutingError)) throw error;
        logger.warn(`Refusing job '${jobId}' for room '${roomName}': ${error.message}`);
        admission.offered?.('unroutable');
        return request.reject();
      }
    }
    let answered: 'accept' | 'reject' | undefined;
    let refusal: OfferRefusal = 'filter';
    const accept = request.accept.bind(request);
    const reject = request.reject.bind(request);
    request.accept = async (...args: Parameters<JobRequest['accept']>) => {
      if (answered) return;
      const refused = admission.reserve(jobId);
      if (refused) {
        answered = 'reject';
        refusal = refused.refused;
        logger.warn(`Rejecting job '${jobId}' for room '${roomName}': ${refused.why}.`);
        return reject();
      }
      answered = 'accept';
      return accept(...args);
    };
    request.reject = async () => {
      if (answered) return;
      answered = 'reject';
      return reject();
    };
    try {
      if (options.requestFilter) {
        await options.requestFilter(request);
        if (!answered) {
          logger.warn(`requestFilter neither accepted nor rejected job '${jobId}'; rejecting it. Call request.accept() or request.reject().`);
        }
      } else if (options.acceptOnlyRegisteredRooms) {
        let owned = false;
        try {
          owned = resolver.resolveSignal({ id: jobId, metadata: request.job.metadata, room: request.room }) !== undefined;
        } catch {
          owned = false; // metadata naming an unknown agent: not ours
        }
        if (!owned) logger.log(`Rejecting job for room '${roomName}': no registered agent owns it.`);
        await (owned ? request.accept() : request.reject());
      } else {
        await request.accept();
      }
    } catch (error) {
      logger.error(`requestFilter threw for job '${jobId}'; rejecting it: ${(error as Error)?.message ?? error}`);
    }
    if (!answered) await request.reject();
    admission.offered?.(answered === 'accept' ? 'accepted' : refusal);
  };
}
