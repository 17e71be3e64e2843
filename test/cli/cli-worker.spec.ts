import { initializeLogger } from '@livekit/agents';
import { DispatchDouble } from '../support/dispatch-double.js';
import { APP, CliProcess, assertBuilt, cleanEnv } from './cli-process.js';
import { RoomServiceProxy } from './room-service.proxy.js';

const API_KEY = 'APIclikey';
const API_SECRET = 'cli-secret-0123456789abcdef0123456789abcdef';
const credentials = (url: string) => cleanEnv({ LIVEKIT_URL: url, LIVEKIT_API_KEY: API_KEY, LIVEKIT_API_SECRET: API_SECRET });
const REGISTERED = /openrtc: (dev )?worker registered with (\S+?)(?: as '(\S+)')?: (\d+) agent\(s\) \(([^)]*)\), (\w+) isolation(?: \(\d+ warm children\))?, ([^.]+)\./;

// `openrtc start|dev|connect` in real processes, registering their one AgentServer with the
// worker-protocol double (test/support/dispatch-double.ts) over loopback.
describe('openrtc start / dev / connect against a LiveKit worker-protocol double', () => {
  let double: DispatchDouble;
  let cli: CliProcess | undefined;

  beforeAll(() => {
    assertBuilt();
    initializeLogger({ pretty: false, level: 'fatal' });
  });
  beforeEach(async () => {
    double = await DispatchDouble.start({ apiKey: API_KEY, apiSecret: API_SECRET });
  });
  afterEach(async () => {
    await cli?.killTree();
    cli = undefined;
    await double.close();
  });

  it('start: registers every agent of the app, accepts offers, and on SIGTERM drains, closes and exits 143', async () => {
    cli = new CliProcess(['start', '--app', APP, '--agent-name', 'hotel'], { env: credentials(double.url) });
    const [, dev, url, agentName, count, names, isolation, limit] = await cli.waitForStderr(REGISTERED);
    expect({ dev, url, agentName, count, names, isolation, limit }).toEqual({
      dev: undefined, url: double.url, agentName: 'hotel', count: '2', names: 'host, concierge', isolation: 'coroutine', limit: 'up to 50 sessions',
    });
    expect(double.registrations).toEqual([expect.objectContaining({ agentName: 'hotel' })]);
    expect((await double.offer({ roomName: 'concierge-7', agentName: 'hotel' })).available).toBe(true);
    cli.child.kill('SIGTERM');
    const { code, signal, stderr } = await cli.exited;
    expect({ code, signal }).toEqual({ code: 143, signal: null });
    expect(stderr).not.toMatch(/Force exit/);
    expect(cli.stdout).toMatch(/SIGTERM received: draining running sessions, then closing\./);
    // One stream: the worker's stdout holds Nest's lines only, no pino JSON record of LiveKit's.
    expect(cli.stdout.split('\n').filter((line) => /^\{"level":\d+/.test(line))).toEqual([]);
    expect(cli.stdout).toMatch(/\[LiveKit\]/);
  });

  it('start: SIGINT exits 130, like LiveKit\'s own CLI', async () => {
    cli = new CliProcess(['start', '--app', APP], { env: credentials(double.url) });
    await cli.waitForStderr(REGISTERED);
    cli.child.kill('SIGINT');
    expect((await cli.exited).code).toBe(130);
    expect(cli.stdout).toMatch(/SIGINT received: draining running sessions, then closing \(Ctrl\+C again to force exit\)\./);
  });

  it('dev: debug logs (Nest and LiveKit), and no session limit', async () => {
    cli = new CliProcess(['dev', '--app', APP], { env: credentials(double.url) });
    const [, dev, , , , , isolation, limit] = await cli.waitForStderr(REGISTERED);
    expect({ dev, isolation, limit }).toEqual({ dev: 'dev ', isolation: 'coroutine', limit: 'no session limit' });
    // LiveKit's logger goes through the app's Nest logger (one stream), at debug level; it may reach
    // stdout after the CLI's own line.
    await cli.waitForStdout(/^\[Nest\] \d+ .*DEBUG.* \[LiveKit\] .*connected to LiveKit server/m);
    cli.child.kill('SIGINT');
    expect((await cli.exited).code).toBe(130);
  });

  it('dev: a session limit set anywhere (here a flag) still applies', async () => {
    cli = new CliProcess(['dev', '--app', APP, '--max-concurrent-sessions', '4'], { env: credentials(double.url) });
    expect((await cli.waitForStderr(REGISTERED))[7]).toBe('up to 4 sessions');
  });

  it('connect --room: creates the room and asks LiveKit to dispatch a job for it to this worker', async () => {
    const proxy = await RoomServiceProxy.start(double.url);
    try {
      cli = new CliProcess(['connect', '--app', APP, '--room', 'lobby-42', '--participant-identity', 'caller-1'], { env: credentials(proxy.url) });
      await cli.waitForStderr(REGISTERED);
      await cli.waitForStderr(/openrtc: asked LiveKit to dispatch room 'lobby-42' \(listening to 'caller-1'\) to this worker\./);
      const simulate = await double.waitFor(() => double.received.find((message) => message.case === 'simulateJob'));
      expect(simulate.value).toMatchObject({ room: { name: 'lobby-42' }, participant: { identity: 'caller-1' } });
      expect(proxy.calls).toEqual([
        { method: 'CreateRoom', body: expect.objectContaining({ name: 'lobby-42' }), authorized: true },
        { method: 'GetParticipant', body: expect.objectContaining({ room: 'lobby-42', identity: 'caller-1' }), authorized: true },
      ]);
    } finally {
      await cli?.killTree();
      await proxy.close();
    }
  });
});
