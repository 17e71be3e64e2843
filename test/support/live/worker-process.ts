import type { Isolation } from '@openrtc/nestjs';
import type { LiveKitServer } from '../../../scripts/livekit-server.mjs';
import { CliProcess, assertBuilt, cleanEnv } from '../../cli/cli-process.js';
import { SCRIPTED_MODELS } from './sample-worker.js';

/** The built sample app, as a user runs it: `openrtc start --app dist-sample/sample/src/app.module.js`. */
export const SAMPLE_APP = 'dist-sample/sample/src/app.module.js';

export interface WorkerProcess {
  cli: CliProcess;
  /** The id LiveKit gave this worker at registration (jobs assigned to it carry it). */
  workerId: string;
  /** Whether the process has exited. */
  readonly exited: boolean;
}

/**
 * Starts `openrtc start` on the built sample in a process of its own (its own rtc-node runtime,
 * as a real deployment's workers have), registered with `server`; settings by environment, models
 * scripted. Every process a test started is killed (with its children) after that test, whatever
 * happened: a worker left registered would take the next test's rooms.
 */
export function useWorkerProcesses(): (server: LiveKitServer, isolation: Isolation, settings?: Record<string, string>) => Promise<WorkerProcess> {
  const started: CliProcess[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((cli) => cli.killTree()));
  }, 30_000);
  return async (server, isolation, settings = {}) => {
    assertBuilt();
    const cli = new CliProcess(['start', '--app', SAMPLE_APP], {
      env: cleanEnv({
        ...SCRIPTED_MODELS,
        LIVEKIT_URL: server.url,
        LIVEKIT_API_KEY: server.apiKey,
        LIVEKIT_API_SECRET: server.apiSecret,
        OPENRTC_ISOLATION: isolation,
        OPENRTC_IDLE_PROCESSES: '1',
        ...settings,
      }),
    });
    started.push(cli);
    let exited = false;
    void cli.exited.then(() => (exited = true));
    await cli.waitForStderr(/openrtc: worker registered with /, 120_000);
    // LiveKit's own "registered worker" line (through Nest's logger, its fields after the message) carries the worker id.
    const [, workerId] = await cli.waitForStdout(/registered worker[^\n]*?(AW_[A-Za-z0-9]+)/, 90_000);
    return {
      cli,
      workerId: workerId!,
      get exited() {
        return exited;
      },
    };
  };
}
