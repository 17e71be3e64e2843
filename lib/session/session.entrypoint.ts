import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { voice, type JobContext } from '@livekit/agents';
import type { AgentConfig } from '../agents/agent-config.interface.js';
import { AgentInstanceFactory } from '../agents/agent-instance.factory.js';
import { bindAgentSession } from '../agents/agent-session.binding.js';
import { providerForSession } from '../agents/provider-value.js';
import type { OpenRtcSession } from '../agents/session-context.interface.js';
import { AgentResolver, type RouteResult } from '../routing/agent.resolver.js';
import { parseMetadata } from '../routing/metadata.js';
import type { RoutingJob } from '../routing/routing-job.interface.js';
import { OPENRTC_RESOLVED_OPTIONS, OPENRTC_ROOM_INPUT_FRAMES } from '../openrtc.constants.js';
import type { ResolvedOpenRtcOptions } from '../options/openrtc-options.interface.js';
import { ROOM_AUDIO_DEFAULTS } from '../options/options.defaults.js';
import { sharedModels } from './prewarm.js';

/** Session inputs a caller can supply instead of the room's (simulated sessions feed recorded audio). */
export interface SessionIo {
  audioInput?: voice.AudioInput;
  /** Called once the session runs (after the greeting was asked for), e.g. to play a simulated caller's text turns. */
  started?: (session: voice.AgentSession, greeting?: voice.SpeechHandle) => void;
}

/** How the entrypoint tells whoever runs the job about it (the coroutine executor, or a process child). */
export interface SessionHooks {
  /** The job was routed to `agentName`. */
  routed?(agentName: string): void;
  /**
   * The session failed where no caller of run() can see it (the agent's onEnter runs in upstream's
   * own task, which swallows its errors). Default: ctx.shutdown(reason), which ends it without a failure.
   */
  failed?(error: unknown, reason: string): void;
}

/** What the entrypoint started for one job. */
export interface StartedSession {
  route: RouteResult;
  agent: voice.Agent;
  session: voice.AgentSession;
  greeting?: voice.SpeechHandle;
  /** What the session knows about itself (what `@InjectSession()` yields). */
  info: OpenRtcSession;
}

/**
 * The one entrypoint every job runs, in either isolation mode: route the job, resolve a fresh agent
 * through DI, build an AgentSession on the prewarmed models, connect, start, greet.
 */
@Injectable()
export class SessionEntrypoint {
  private readonly logger = new Logger('OpenRTC');

  constructor(
    private readonly resolver: AgentResolver,
    private readonly instances: AgentInstanceFactory,
    @Optional() @Inject(OPENRTC_RESOLVED_OPTIONS) private readonly options?: Pick<ResolvedOpenRtcOptions, 'roomAudio'>,
    @Optional() @Inject(OPENRTC_ROOM_INPUT_FRAMES) private readonly setRoomInputFrameSize?: (room: object, frameSizeMs: number) => Promise<void>,
  ) {}

  async run(ctx: JobContext, io: SessionIo = {}, hooks: SessionHooks = {}): Promise<StartedSession> {
    const jobId = ctx.job.id;
    let agentName = '(unrouted)';
    try {
      const job = routingJob(ctx);
      const route = await this.resolver.resolve(job);
      agentName = route.agent.name;
      hooks.routed?.(agentName);
      this.logger.log(`Resolved agent '${agentName}' via ${route.via} for job '${jobId}'.`);
      const info = sessionInfo(job, jobId, agentName);
      // Built before the agent, so the agent and its session-scoped services can inject it (@InjectAgentSession()).
      const session = new voice.AgentSession(this.sessionOptions(ctx, route.agent, info));
      // Upstream re-emits every provider error on the session; without a listener that emit would throw.
      session.on(voice.AgentSessionEventTypes.Error, (event) => this.logProviderError(jobId, agentName, event));
      bindAgentSession(info, session);
      const agent = await this.instances.create(route.agent, info);
      this.watchOnEnter(agent, jobId, agentName, (error, reason) => (hooks.failed ? hooks.failed(error, reason) : ctx.shutdown(reason)));
      if (io.audioInput) {
        session.input.audio = io.audioInput;
        // Upstream's session close detaches an audio input without closing it: a recording would go on playing to nobody.
        const input = io.audioInput;
        ctx.addShutdownCallback(() => input.close());
      }
      // Connect first so the agent's onEnter can reach the local participant.
      await ctx.connect();
      const room = ctx.isFakeJob ? undefined : ctx.room;
      const { sampleRate, frameSizeMs } = { ...ROOM_AUDIO_DEFAULTS, ...this.options?.roomAudio };
      // 10 ms is what upstream's room input delivers already: nothing to set.
      if (room && frameSizeMs && frameSizeMs !== 10) await this.roomInputFrames(room, frameSizeMs);
      await session.start({ agent, room, ...(room && sampleRate ? { inputOptions: { audioSampleRate: sampleRate } } : {}) });
      // Upstream closes the session when the caller leaves, but keeps the job (and its room) until
      // LiveKit closes the room, 20 s later by default: one session is one call, so end the job with it.
      session.on(voice.AgentSessionEventTypes.Close, (event) => {
        if (event.reason !== voice.CloseReason.JOB_SHUTDOWN) ctx.shutdown(String(event.reason));
      });
      const greeting = route.agent.greeting ? session.generateReply({ instructions: route.agent.greeting }) : undefined;
      io.started?.(session, greeting);
      return { route, agent, session, greeting, info };
    } catch (error) {
      this.logger.error(`Session for job '${jobId}' (agent '${agentName}') failed: ${(error as Error)?.message ?? error}`, (error as Error)?.stack);
      throw error;
    }
  }

  /**
   * Upstream runs onEnter as a speech task that drops its error: the call would go on as a success
   * with nothing logged. Wrapping this instance's onEnter makes that throw end the session as failed.
   */
  private watchOnEnter(agent: voice.Agent, jobId: string, agentName: string, failed: (error: unknown, reason: string) => void): void {
    const onEnter = agent.onEnter;
    const logger = this.logger;
    agent.onEnter = async function (this: voice.Agent): Promise<void> {
      try {
        await onEnter.call(this);
      } catch (error) {
        logger.error(`Session for job '${jobId}' (agent '${agentName}'): onEnter threw; ending the session as failed: ${(error as Error)?.message ?? error}`, (error as Error)?.stack);
        failed(error, 'agent onEnter failed');
      }
    };
  }

  /** Asks for `frameSizeMs` frames; where upstream's room input is not the verified one, says so once and keeps its 10 ms. */
  private async roomInputFrames(room: object, frameSizeMs: number): Promise<void> {
    try {
      if (!this.setRoomInputFrameSize) throw new Error('no room-input frame setter is provided (OpenRtcModule provides it)');
      await this.setRoomInputFrameSize(room, frameSizeMs);
    } catch (error) {
      if (warnedRoomInput) return;
      warnedRoomInput = true;
      this.logger.warn(`roomAudio.frameSizeMs ${frameSizeMs} is not applied; calls receive upstream's 10 ms frames (set roomAudio.frameSizeMs to 10 to keep them without this warning): ${(error as Error)?.message ?? error}`);
    }
  }

  private logProviderError(jobId: string, agentName: string, event: voice.ErrorEvent): void {
    const { type, recoverable, error } = event.error as { type?: string; recoverable?: boolean; error?: unknown };
    const message = `Session for job '${jobId}' (agent '${agentName}'): ${type ?? 'provider error'}${recoverable ? ' (recoverable)' : ''}: ${(error as Error)?.message ?? error}`;
    if (recoverable) this.logger.warn(message);
    else this.logger.error(message);
  }

  private sessionOptions(ctx: JobContext, config: AgentConfig, info: OpenRtcSession): voice.AgentSessionOptions {
    const models = sharedModels(ctx.proc);
    const { turnHandling, ...rest } = config.sessionOptions;
    const provided = Object.fromEntries(
      Object.entries({ stt: config.stt, llm: config.llm, tts: config.tts })
        .filter(([, value]) => value !== undefined)
        .map(([field, value]) => [field, providerForSession(value!, info, field)]),
    );
    return {
      vad: models.vad,
      ...provided,
      ...rest,
      turnHandling: { turnDetection: models.turnDetection(), ...(turnHandling as object | undefined) },
    } as voice.AgentSessionOptions;
  }
}

let warnedRoomInput = false;

/** Routing reads the job's room metadata first and falls back to the connected room's. */
function routingJob(ctx: JobContext): RoutingJob {
  const room = ctx.job.room;
  let liveRoom: { name?: string; metadata?: string } = {};
  try {
    liveRoom = { name: ctx.room.name, metadata: ctx.room.metadata };
  } catch {
    // An unconnected room has no info yet.
  }
  return {
    id: ctx.job.id,
    metadata: ctx.job.metadata,
    room: { name: room?.name || liveRoom.name, metadata: room?.metadata || liveRoom.metadata },
  };
}

function sessionInfo(job: RoutingJob, jobId: string, agentName: string): OpenRtcSession {
  return Object.freeze({
    jobId,
    roomName: job.room?.name ?? '',
    agentName,
    metadata: { ...parseMetadata(job.room?.metadata, `Job '${jobId}': its room metadata`), ...parseMetadata(job.metadata, `Job '${jobId}': its job metadata`) },
  });
}
