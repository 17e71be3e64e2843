import 'reflect-metadata';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AgentServer, initializeLogger, ServerOptions } from '@livekit/agents';
import type { DispatchDouble } from '../support/dispatch-double.js';
import { API_KEY, API_SECRET, clearOptionEnvironment, startDouble, startWorker, upstreamTimers, type Worker } from '../fixtures/worker-protocol.fixture.js';
import { until } from '../support/until.js';

const ECHO_AGENT = fileURLToPath(new URL('../support/echo-job.agent.mjs', import.meta.url));

// The coroutine seam patches ProcPool.prototype, which every AgentServer of this @livekit/agents
// copy shares: it must take over our server's jobs only.
describe('the coroutine seam is scoped to our own AgentServer', () => {
  let double: DispatchDouble;
  let worker: Worker;
  let bare: AgentServer;
  let restoreEnv: () => void;
  const timers = upstreamTimers();

  beforeAll(() => initializeLogger({ pretty: false, level: 'fatal' }));
  afterAll(() => timers.settle());
  afterEach(async () => {
    await bare?.close();
    await worker?.app.close();
    timers.note(double, ['AJ_bare']);
    await double.close();
    restoreEnv();
  });

  it('a plain AgentServer beside our coroutine worker still runs its job in a child process', async () => {
    restoreEnv = clearOptionEnvironment();
    double = await startDouble();
    worker = await startWorker(double); // coroutine isolation: the seam is installed
    bare = new AgentServer(new ServerOptions({
      agent: ECHO_AGENT, agentName: 'bare', wsURL: double.url, apiKey: API_KEY, apiSecret: API_SECRET,
      host: '127.0.0.1', port: 0, loadFunc: async () => 0,
    }));
    void bare.run().catch(() => undefined);
    await double.waitForRegistration(2, 90_000);
    const out = join(mkdtempSync(join(tmpdir(), 'openrtc-seam-')), 'job.json');
    const answer = await double.dispatch({ id: 'AJ_bare', roomName: 'lobby', agentName: 'bare', metadata: JSON.stringify({ out }) });
    expect(answer.available).toBe(true);
    // A job child boots node and @livekit/agents (about 2 CPU-s): slow on a loaded machine.
    await until(() => existsSync(out), 120_000, 'the bare server to run its job');
    const seen = JSON.parse(readFileSync(out, 'utf8'));
    expect(seen.jobId).toBe('AJ_bare');
    expect(seen.pid).not.toBe(process.pid); // upstream's process pool, untouched by our seam
    expect(worker.pool.stats().activeSessions).toBe(0); // and our worker did not see it
  }, 240_000);
});
