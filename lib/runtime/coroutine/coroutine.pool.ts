import { JobProcess, type RunningJobInfo } from '@livekit/agents';
import type { PoolHost, ProcPoolLike } from '../livekit-internals.js';
import { CoroutineJobExecutor, type SessionEntry } from './coroutine-job.executor.js';

export interface CoroutinePoolOptions {
  entry: SessionEntry;
  prewarm: (proc: JobProcess) => Promise<void>;
  onSessionEnded: (executor: CoroutineJobExecutor) => void;
}

/**
 * Stands in for upstream's process pool in coroutine mode: one shared, prewarmed JobProcess, and
 * one CoroutineJobExecutor per session, listed in the ProcPool's executors while it runs.
 */
export class CoroutinePool implements PoolHost {
  readonly proc = new JobProcess();
  prewarmCount = 0;
  private prewarmed?: Promise<void>;
  private pool?: ProcPoolLike;

  constructor(private readonly options: CoroutinePoolOptions) {}

  /** Loads the shared models once for every session of this worker. */
  prewarm(): Promise<void> {
    this.prewarmed ??= (async () => {
      this.prewarmCount += 1;
      await this.options.prewarm(this.proc);
    })();
    return this.prewarmed;
  }

  attach(pool: ProcPoolLike): void {
    this.pool = pool;
  }

  get executors(): CoroutineJobExecutor[] {
    return (this.pool?.executors ?? []).filter((executor): executor is CoroutineJobExecutor => executor instanceof CoroutineJobExecutor);
  }

  async launchJob(pool: ProcPoolLike, info: RunningJobInfo): Promise<void> {
    await this.prewarm();
    const executor = new CoroutineJobExecutor({
      proc: this.proc,
      entry: this.options.entry,
      inferenceExecutor: pool.inferenceExecutor,
      onEnded: (ended) => {
        const index = pool.executors.indexOf(ended);
        if (index >= 0) pool.executors.splice(index, 1);
        this.options.onSessionEnded(ended);
      },
    });
    pool.executors.push(executor);
    await executor.start();
    await executor.initialize();
    await executor.launchJob(info);
  }
}
