import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AgentServer, initializeLogger, ServerOptions, type JobRequest } from '@livekit/agents';
import { JobType, WorkerStatus } from '@livekit/protocol';
import { AccessToken } from 'livekit-server-sdk';
import WebSocket from 'ws';
import { DispatchDouble } from '../support/dispatch-double.js';
import { isAlive } from '../support/process-alive.js';

// Drives the real AgentServer (@livekit/agents 1.9.0) through the worker-protocol double on loopback.

const API_KEY = 'APIdouble';
const API_SECRET = 'double-secret-0123456789abcdef0123456789abcdef';
const AGENT = fileURLToPath(new URL('../support/echo-job.agent.mjs', import.meta.url));

type ServerOpts = ConstructorParameters<typeof ServerOptions>[0];

let double: DispatchDouble;
let server: AgentServer | undefined;

beforeAll(() => initializeLogger({ pretty: false, level: 'warn' }));
beforeEach(async () => {
  double = await DispatchDouble.start({ apiKey: API_KEY, apiSecret: API_SECRET });
});
// A server that never registered (wrong secret) closes only after upstream's retry loop gives up.
afterEach(async () => {
  await server?.close();
  server = undefined;
  await double.close();
}, 150_000);
// AgentServer.close() leaves each connection's 2.5 s load interval to clear itself on its next tick
// (calling loadFunc once more); let the last server's intervals take that tick so jest exits cleanly.
afterAll(() => new Promise((resolve) => setTimeout(resolve, 2600)));

function startServer(opts: Partial<ServerOpts> = {}): AgentServer {
  // The default loadFunc samples CPU for 2.5 s per call, which would outlive close() even longer.
  server = new AgentServer(new ServerOptions({ agent: AGENT, wsURL: double.url, apiKey: API_KEY, apiSecret: API_SECRET, host: '127.0.0.1', port: 0, loadFunc: async () => 0, ...opts }));
  // run() only settles at close() or after maxRetry failed reconnects; tests assert through the double.
  void server.run().catch(() => undefined);
  return server;
}

/** HS256 JWT signed by hand, so the negative cases can be shaped freely. */
function jwt(claims: Record<string, unknown>, secret = API_SECRET): string {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const body = `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc(claims)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

/** HTTP status of a websocket upgrade: 101 when it opens, otherwise the response's status. */
function upgradeStatus(path: string, authorization?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(double.url + path, { headers: authorization ? { authorization } : {} });
    ws.on('open', () => (ws.terminate(), resolve(101)));
    ws.on('unexpected-response', (req, res) => (req.destroy(), resolve(res.statusCode ?? 0)));
    ws.on('error', reject);
  });
}

async function poll<T>(probe: () => T | undefined | false, timeoutMs: number): Promise<T> {
  for (const end = Date.now() + timeoutMs; Date.now() < end; await new Promise((r) => setTimeout(r, 20))) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

describe('DispatchDouble upgrade auth', () => {
  it('accepts a real agent token and answers 401 to anything else, counting each refusal', async () => {
    const now = Math.floor(Date.now() / 1000);
    const good = new AccessToken(API_KEY, API_SECRET);
    good.addGrant({ agent: true });
    expect(await upgradeStatus('/agent', `Bearer ${await good.toJwt()}`)).toBe(101);

    const refused = [
      undefined,
      `Bearer ${jwt({ iss: API_KEY, exp: now + 60, video: { agent: true } }, 'another-secret')}`,
      `Bearer ${jwt({ iss: 'APIother', exp: now + 60, video: { agent: true } })}`,
      `Bearer ${jwt({ iss: API_KEY, exp: now - 60, video: { agent: true } })}`,
      `Bearer ${jwt({ iss: API_KEY, video: { agent: true } })}`,
      `Bearer ${jwt({ iss: API_KEY, exp: now + 60, video: { roomJoin: true } })}`,
    ];
    for (const auth of refused) expect(await upgradeStatus('/agent', auth)).toBe(401);
    expect(double.authFailures).toBe(refused.length);
    expect(await upgradeStatus('/rtc', `Bearer ${await good.toJwt()}`)).toBe(404);
    expect(double.registrations).toHaveLength(0);
  });
});

describe('DispatchDouble with the real AgentServer', () => {
  it('registers a named worker that adopts the double\'s worker id and reports its loadFunc every 2.5 s', async () => {
    const calls: AgentServer[] = [];
    const s = startServer({
      agentName: 'concierge',
      loadThreshold: 0.5,
      loadFunc: async (srv) => [0.25, 0.75][Math.min(calls.push(srv) - 1, 1)]!,
    });
    const adopted = once(s.event, 'worker_registered');
    const reg = await double.waitForRegistration();

    expect(reg).toMatchObject({ agentName: 'concierge', type: JobType.JT_ROOM, version: '1.9.0' });
    expect(reg.workerId).toMatch(/^AW_double_/);
    expect(reg.allowedPermissions).toMatchObject({ canPublish: true, canSubscribe: true, canPublishData: true, canUpdateMetadata: true, hidden: false, agent: true });
    expect((await adopted)[0]).toBe(reg.workerId);
    expect(s.id).toBe(reg.workerId);
    expect(double.received[0]?.case).toBe('register');
    expect(double.authFailures).toBe(0);

    await double.waitForLoadReport((r) => r.status === WorkerStatus.WS_FULL, 30_000);
    // Each report carries what loadFunc returned, in order, after registration (upstream samples
    // every 2.5 s; its cadence is not asserted here: a loaded machine delays timers).
    const [first, second] = double.loadReports;
    expect(first).toMatchObject({ load: 0.25, status: WorkerStatus.WS_AVAILABLE });
    expect(second).toMatchObject({ load: 0.75, status: WorkerStatus.WS_FULL });
    expect(double.received.findIndex((m) => m.case === 'updateWorker')).toBeGreaterThan(double.received.findIndex((m) => m.case === 'register'));
    expect(calls[0]).toBe(s);
  }, 90_000);

  it('counts a worker with the wrong API secret as an auth failure and never registers it', async () => {
    startServer({ apiSecret: 'not-the-secret' });
    // run() first boots upstream's inference process, which takes long on a loaded machine.
    await double.waitFor(() => double.authFailures >= 1, 90_000, 'an auth failure');
    expect(double.registrations).toHaveLength(0);
    expect(double.received).toHaveLength(0);
  }, 120_000);

  it('an accepted offer carries the accept arguments; the assignment reaches a job child; termination ends it', async () => {
    const requests: JobRequest[] = [];
    const s = startServer({
      agentName: 'concierge',
      requestFunc: async (req) => {
        requests.push(req);
        await req.accept('Concierge', '', '{"v":1}', { tier: 'gold' });
      },
    });
    await double.waitForRegistration();
    const dir = mkdtempSync(join(tmpdir(), 'dispatch-double-'));
    try {
      const out = join(dir, 'job.json');
      const spec = { roomName: 'lobby', metadata: JSON.stringify({ out }), roomMetadata: 'room-meta', agentName: 'concierge' };
      const answer = await double.dispatch(spec, { url: 'ws://127.0.0.1:1', token: 'room-token-1' });

      expect(answer).toEqual({
        jobId: expect.stringMatching(/^AJ_double_/),
        available: true,
        participantIdentity: `agent-${answer.jobId}`,
        participantName: 'Concierge',
        participantMetadata: '{"v":1}',
        participantAttributes: { tier: 'gold', 'lk.agent.name': 'concierge' },
      });
      expect(requests).toHaveLength(1);
      expect(requests[0]).toMatchObject({ id: answer.jobId, agentName: 'concierge', job: { metadata: spec.metadata }, room: { name: 'lobby', sid: 'RM_lobby', metadata: 'room-meta' } });

      await poll(() => existsSync(out), 90_000);
      const seen = JSON.parse(readFileSync(out, 'utf8'));
      expect(seen).toMatchObject({ jobId: answer.jobId, room: 'lobby', url: 'ws://127.0.0.1:1', token: 'room-token-1', identity: `agent-${answer.jobId}` });
      expect(seen.pid).not.toBe(process.pid);
      expect(s.activeJobs.map((j) => j.job.id)).toEqual([answer.jobId]);

      double.terminate(answer.jobId);
      await poll(() => !isAlive(seen.pid), 90_000);
      // Upstream quirk: with no idle processes (dev mode) a finished executor is never removed from the
      // pool, so activeJobs keeps listing the job after its child has exited.
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);

  it('an unnamed worker refuses offers, and re-registers with a new worker id after the connection drops', async () => {
    const s = startServer({ requestFunc: (req) => req.reject() });
    const first = await double.waitForRegistration();
    expect(first.agentName).toBe('');

    const refused = await double.offer({ roomName: 'lobby' });
    expect(refused).toMatchObject({ available: false, participantIdentity: '', participantName: '' });
    expect(() => double.assign(refused.jobId)).toThrow(/not accepted/);
    await expect(double.offer({ roomName: 'lobby', agentName: 'nobody' })).rejects.toThrow(/no worker registered/);

    const dropped = Date.now();
    const adopted = new Promise((resolve) => s.event.on('worker_registered', (id: string) => id !== first.workerId && resolve(id)));
    double.dropConnection();
    const second = await double.waitForRegistration(2);
    expect(second.workerId).not.toBe(first.workerId);
    expect(second.at - dropped).toBeGreaterThan(1500);
    expect(await adopted).toBe(second.workerId);
    expect((await double.offer({ roomName: 'after-drop' })).available).toBe(false);
  });
});
