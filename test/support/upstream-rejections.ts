/**
 * Closing an AgentSession makes VADStream's pump hit "Invalid state: Releasing reader", an error
 * @livekit/agents 1.9 expects and swallows, but only when `error instanceof TypeError` holds. Under
 * jest it did not (Node's web streams throw the outer realm's TypeError), so the promise went
 * unhandled and failed the test. The test environment now hands the outer TypeError over and the
 * rejection no longer shows up (outside jest it did not either); this listener stays as a guard that
 * records it should it come back. jest's `process` inside a test is a copy that never sees the real
 * process's events, so it listens on the host process (reached through the outer-realm Function that
 * the environment's Float32Array carries). Only that rejection is recorded and marked handled; any
 * other unhandled rejection still fails the test.
 */
const KNOWN = /Invalid state: Releasing reader/;

type HostProcess = NodeJS.Process;
const hostProcess = (): HostProcess => (Float32Array as unknown as { constructor: FunctionConstructor }).constructor('return process')() as HostProcess;

export class UpstreamRejections {
  readonly known: unknown[] = [];
  private readonly host = hostProcess();
  private readonly listener = (reason: unknown, promise: Promise<unknown>): void => {
    if (!KNOWN.test(String((reason as Error)?.message ?? reason))) return;
    this.known.push(reason);
    promise.catch(() => undefined);
  };

  constructor() {
    if (this.host === (process as unknown)) throw new Error('Expected the jest test realm: run under the onnx-friendly test environment.');
    this.host.on('unhandledRejection', this.listener);
  }

  /** Lets Node report pending rejections (and their late handling) before the listener goes. */
  async release(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 50));
    this.host.off('unhandledRejection', this.listener);
  }
}
