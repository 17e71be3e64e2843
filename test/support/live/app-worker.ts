import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AgentPool, type Isolation, type SessionOutcome } from '@openrtc/nestjs';
import { WorkerRuntime } from '../../../lib/runtime/worker.runtime.js';
import type { LiveKitServer } from '../../../scripts/livekit-server.mjs';
import { RecordingLogger } from '../recording-logger.js';

export interface AppWorker {
  app: INestApplicationContext;
  pool: AgentPool;
  runtime: WorkerRuntime;
  logs: RecordingLogger;
  outcome(jobId: string): Promise<SessionOutcome>;
  /** Every session ending so far, in order (recorded as the runtime settles them). */
  ended: SessionOutcome[];
  close(): Promise<void>;
}

/**
 * Boots a fixture app (a plain ESM module under test/fixtures that sets its own `appModule`, so
 * process isolation's children boot the same file) as a LiveKit worker on `server`, in this
 * process, and registers it. `settings` are environment variables (OPENRTC_*) for the parent.
 */
export async function startAppWorker(server: LiveKitServer, isolation: Isolation, modulePath: string, exportName: string, settings: Record<string, string> = {}): Promise<AppWorker> {
  const saved = { ...process.env };
  for (const name of Object.keys(process.env)) if (/^(OPENRTC|LIVEKIT)_/.test(name) && !name.startsWith('OPENRTC_LIVE_')) delete process.env[name];
  Object.assign(process.env, {
    LIVEKIT_URL: server.url,
    LIVEKIT_API_KEY: server.apiKey,
    LIVEKIT_API_SECRET: server.apiSecret,
    OPENRTC_ISOLATION: isolation,
    OPENRTC_IDLE_PROCESSES: '1',
    // This worker shares jest's process and event loop (test code, other specs' work), so its own
    // headroom readings would refuse LiveKit's offers here; worker-headroom.spec.ts tests admission.
    OPENRTC_MAX_EVENT_LOOP_UTILIZATION: 'false',
    OPENRTC_MAX_CPU_UTILIZATION: 'false',
    ...settings,
  });
  const restore = () => {
    process.env = saved;
  };
  const logs = new RecordingLogger();
  let app: INestApplicationContext | undefined;
  try {
    const root = ((await import(modulePath)) as Record<string, unknown>)[exportName];
    app = await NestFactory.createApplicationContext(root as never, { logger: logs });
    const pool = app.get(AgentPool);
    await pool.start();
    const runtime = app.get(WorkerRuntime);
    const ended: SessionOutcome[] = [];
    const settle = runtime.outcomes.settle.bind(runtime.outcomes);
    runtime.outcomes.settle = (jobId, status, reason, error) => {
      ended.push({ jobId, status, reason, error });
      settle(jobId, status, reason, error);
    };
    return {
      ended,
      app,
      pool,
      runtime,
      logs,
      outcome: (jobId) => runtime.outcomes.expect(jobId),
      close: async () => {
        try {
          await app!.close();
        } finally {
          restore();
        }
      },
    };
  } catch (error) {
    await app?.close().catch(() => undefined);
    restore();
    throw error;
  }
}
