import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from '../support/until.js';
import { APP, CliProcess, assertBuilt, cleanEnv } from './cli-process.js';

/**
 * `openrtc console`: LiveKit's console mode (upstream runConsole, through its public cli.runApp)
 * with OpenRTC's entrypoint: the app boots in this process, the job is routed to an agent, and
 * the AgentSession talks to the console broker over TCP. A plain TCP server stands in for the
 * broker (the LiveKit CLI's): it only proves the session attached and spoke.
 */
describe('openrtc console', () => {
  let broker: Server;
  let port: number;
  const received: Buffer[] = [];
  let connected: Promise<Socket>;
  let dir: string;

  beforeAll(async () => {
    assertBuilt();
    dir = mkdtempSync(join(tmpdir(), 'openrtc-console-'));
    connected = new Promise((resolve) => {
      broker = createServer((socket) => {
        socket.on('data', (chunk) => received.push(chunk));
        socket.on('error', () => undefined);
        resolve(socket);
      });
    });
    await new Promise<void>((resolve) => broker.listen(0, '127.0.0.1', resolve));
    port = (broker.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs one session of the app attached to the broker, and exits 130 on SIGINT', async () => {
    // Keys only so the agent's inference providers can be built; nothing connects to LiveKit.
    const sessions = join(dir, 'sessions.jsonl');
    const cli = new CliProcess(['console', '--app', APP, '--connect-addr', `127.0.0.1:${port}`, '--log-level', 'info'], {
      env: cleanEnv({ LIVEKIT_API_KEY: 'APIconsole', LIVEKIT_API_SECRET: 'console-secret', CLI_TEST_SESSION_LOG: sessions }),
    });
    try {
      const socket = await Promise.race([connected, cli.exited.then((r) => Promise.reject(new Error(`console exited first:\n${r.stdout}\n${r.stderr}`)))]);
      expect(socket.remoteAddress).toBe('127.0.0.1');
      // Length-prefixed AgentSession messages from the agent's session.
      await until(() => received.reduce((sum, chunk) => sum + chunk.length, 0) > 4, 20_000);
      const first = Buffer.concat(received);
      expect(first.readUInt32BE(0)).toBeGreaterThan(0);
      // OpenRTC's entrypoint ran the session: the room 'console-room' names no agent, so the first
      // registered one ('host', resolved through DI) took it, in upstream's console job.
      await until(() => readLines(sessions).length > 0, 20_000);
      expect(readLines(sessions)).toEqual([{ agent: 'host', jobId: expect.stringMatching(/^console-job-/), room: 'console-room' }]);
      cli.child.kill('SIGINT');
      const { code, stdout, stderr } = await cli.exited;
      if (code !== 130) console.log(stdout.slice(-4000), stderr.slice(-2000));
      expect(code).toBe(130);
    } finally {
      await cli.killTree();
    }
  });
});


function readLines(file: string): unknown[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
  } catch {
    return [];
  }
}
