import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { defineAgent, type JobContext, type JobProcess } from '@livekit/agents';
import { pathToFileURL } from 'node:url';
import { OpenRtcSetupError } from '../../errors/openrtc.errors.js';
import { OPENRTC_RESOLVED_OPTIONS } from '../../openrtc.constants.js';
import type { ResolvedOpenRtcOptions } from '../../options/openrtc-options.interface.js';
import { onFirstAnswer } from '../../session/first-answer.js';
import { prewarmSharedModels } from '../../session/prewarm.js';
import { SessionEntrypoint } from '../../session/session.entrypoint.js';
import { simulatedIo } from '../simulated-io.js';
import { watchAgentSession } from '../../observability/agent-session.watch.js';
import { markProcessChild } from './process-role.js';
import { runWithLogContext, type LogContext } from '../../logging/log-context.js';

/** What a child tells the parent once its session has started (over upstream's IPC channel). */
export const SESSION_STARTED_MESSAGE = 'openrtcSessionStarted';
/** What a child tells the parent when its session failed in a way its exit code would not show (onEnter threw). */
export const SESSION_FAILED_MESSAGE = 'openrtcSessionFailed';
/** What a child of a simulated call tells the parent once its agent answered the caller. */
export const SESSION_ANSWERED_MESSAGE = 'openrtcSessionAnswered';
/** What a child tells the parent as its session's state or turn count changes (for the worker's snapshot). */
export const SESSION_PROGRESS_MESSAGE = 'openrtcSessionProgress';

export interface ProcessAgentSpec {
  appModulePath: string;
  exportName: string;
}

/**
 * The agent definition a process-mode child runs (upstream's job process imports it): prewarm boots
 * the user's Nest app as an application context (no HTTP listener, no worker of its own) and the
 * shared models; entry runs the same SessionEntrypoint as coroutine mode.
 */
export function createProcessAgent(spec: ProcessAgentSpec) {
  let app: INestApplicationContext | undefined;
  return defineAgent({
    prewarm: async (proc: JobProcess) => {
      markProcessChild();
      const mod = typeof require === 'function' ? require(spec.appModulePath) : await import(pathToFileURL(spec.appModulePath).href);
      const appModule = mod[spec.exportName];
      if (typeof appModule !== 'function') {
        throw new OpenRtcSetupError(`${spec.appModulePath} has no export '${spec.exportName}' (OpenRtcModule option 'appModule').`);
      }
      app = await NestFactory.createApplicationContext(appModule, { logger: ['fatal', 'error', 'warn'] });
      const options = app.get<ResolvedOpenRtcOptions>(OPENRTC_RESOLVED_OPTIONS, { strict: false });
      await prewarmSharedModels(proc, options.turnDetection, options.vad);
    },
    entry: async (ctx: JobContext) => {
      // The child's log lines name its call, as in coroutine isolation.
      const logContext: LogContext = { jobId: ctx.job.id, roomName: ctx.job.room?.name || undefined };
      return runWithLogContext(logContext, () => runEntry(ctx, logContext));
    },
  });

  async function runEntry(ctx: JobContext, logContext: LogContext): Promise<void> {
    ctx.addShutdownCallback(async () => app?.close());
    const started = await app!.get(SessionEntrypoint, { strict: false }).run(ctx, await simulatedIo(ctx), {
      routed: (agentName) => (logContext.agentName = agentName),
      failed: (error, reason) => {
        process.send?.({ case: SESSION_FAILED_MESSAGE, value: { jobId: ctx.job.id, reason, error: (error as Error)?.message ?? String(error) } });
        ctx.shutdown(reason);
      },
    });
    const { agentName, metadata } = started.info;
    process.send?.({ case: SESSION_STARTED_MESSAGE, value: { jobId: ctx.job.id, session: { agentName, metadata } } });
    watchAgentSession(started.session, (progress) => process.send?.({ case: SESSION_PROGRESS_MESSAGE, value: { jobId: ctx.job.id, progress } }));
    if (ctx.isFakeJob) onFirstAnswer(started.session, (text) => process.send?.({ case: SESSION_ANSWERED_MESSAGE, value: { jobId: ctx.job.id, text } }));
  }
}
