import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AgentPool, type Isolation, type SessionOutcome } from '@openrtc/nestjs';
import { setCliOverrides } from '../../../lib/options/cli-overrides.js';
import { WorkerRuntime } from '../../../lib/runtime/worker.runtime.js';
import type { LiveKitServer } from '../../../scripts/livekit-server.mjs';
import { RecordingLogger } from '../recording-logger.js';

const BUILT_SAMPLE = fileURLToPath(new URL('../../../dist-sample/sample/src/app.module.js', import.meta.url));
/** The sample's agents on their offline stand-ins: scripted STT and LLM, and a TTS that plays a tone per word. */
export const SCRIPTED_MODELS: Record<string, string> = Object.fromEntries(
  ['RESTAURANT', 'DENTAL'].flatMap((agent) => ['STT', 'LLM', 'TTS'].map((model) => [`${agent}_${model}`, 'scripted'])),
);

export interface SampleWorker {
  app: INestApplicationContext;
  pool: AgentPool;
  runtime: WorkerRuntime;
  logs: RecordingLogger;
  /** How the session of `jobId` ends (ask before it ends). */
  outcome(jobId: string): Promise<SessionOutcome>;
  close(): Promise<void>;
}

/**
 * Boots the sample app (sample/src/app.module.ts: restaurant and dental) as a LiveKit worker on
 * `server`, in this process, and registers it. Coroutine isolation runs the TypeScript source;
 * process isolation runs the built sample (dist-sample, `npm run build`), whose session children get
 * the same settings through a small generated entry module (a jest test's process.env does not reach
 * the processes it forks).
 */
export async function startSampleWorker(server: LiveKitServer, isolation: Isolation, settings: Record<string, string> = {}): Promise<SampleWorker> {
  const saved = { ...process.env };
  for (const name of Object.keys(process.env)) if (/^(OPENRTC|LIVEKIT|RESTAURANT|DENTAL)_/.test(name) && !name.startsWith('OPENRTC_LIVE_')) delete process.env[name];
  const env = {
    ...SCRIPTED_MODELS,
    LIVEKIT_URL: server.url,
    LIVEKIT_API_KEY: server.apiKey,
    LIVEKIT_API_SECRET: server.apiSecret,
    OPENRTC_ISOLATION: isolation,
    // One warm child is enough for these calls, and spares a loaded 2-core machine.
    OPENRTC_IDLE_PROCESSES: '1',
    // This worker shares jest's process and event loop (test code, other specs' work), so its own
    // headroom readings would refuse LiveKit's offers here; worker-headroom.spec.ts tests admission.
    OPENRTC_MAX_EVENT_LOOP_UTILIZATION: 'false',
    OPENRTC_MAX_CPU_UTILIZATION: 'false',
    ...settings,
  };
  Object.assign(process.env, env);
  let entryDir: string | undefined;
  let AppModule: unknown;
  if (isolation === 'process') {
    entryDir = mkdtempSync(join(tmpdir(), 'openrtc-live-'));
    writeFileSync(join(entryDir, 'env.mjs'), `Object.assign(process.env, ${JSON.stringify(SCRIPTED_MODELS)});\n`);
    writeFileSync(join(entryDir, 'app.mjs'), `import './env.mjs';\nexport { AppModule } from ${JSON.stringify(pathToFileURL(BUILT_SAMPLE).href)};\n`);
    setCliOverrides({ appModule: { path: join(entryDir, 'app.mjs'), exportName: 'AppModule' } });
    ({ AppModule } = await import(BUILT_SAMPLE));
  } else {
    ({ AppModule } = await import('../../../sample/src/app.module.js'));
  }
  const logs = new RecordingLogger();
  const restore = () => {
    setCliOverrides(undefined);
    if (entryDir) rmSync(entryDir, { recursive: true, force: true });
    process.env = saved;
  };
  let app: INestApplicationContext | undefined;
  try {
    app = await NestFactory.createApplicationContext(AppModule as never, { logger: logs });
    const pool = app.get(AgentPool);
    await pool.start();
    const runtime = app.get(WorkerRuntime);
    return {
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

/** The worker's log lines at warn and error, for a failing test's message. */
export function problems(worker: SampleWorker | undefined): string {
  return (worker?.logs.entries ?? []).filter((e) => e.level === 'error' || e.level === 'warn').map((e) => `${e.level}: ${e.message}`).join('\n');
}
