import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { Job, JobType, ParticipantInfo, Room, ServerInfo, ServerMessage, WorkerMessage, type ParticipantPermission, type WorkerStatus } from '@livekit/protocol';
import { TokenVerifier } from 'livekit-server-sdk';

/** The server side of the LiveKit agent worker protocol (`/agent`), on loopback, for tests. */

export interface DispatchDoubleOptions { apiKey: string; apiSecret: string; port?: number }
export interface JobSpec { id?: string; roomName: string; metadata?: string; roomMetadata?: string; agentName?: string; participantIdentity?: string }
export interface Registration { workerId: string; agentName: string; type: JobType; version: string; allowedPermissions?: ParticipantPermission; at: number }
export interface AvailabilityAnswer { jobId: string; available: boolean; participantIdentity: string; participantName: string; participantMetadata: string; participantAttributes: Record<string, string> }
export interface LoadReport { load: number; status?: WorkerStatus; at: number }
export interface Received { case: string; value: unknown; at: number }

interface Pending { job: Job; ws: WebSocket; resolve(a: AvailabilityAnswer): void; reject(e: Error): void; timer: NodeJS.Timeout }
interface Waiter { check(): boolean; fail(e: Error): void }

let seq = 0;

export class DispatchDouble {
  readonly registrations: Registration[] = [];
  readonly loadReports: LoadReport[] = [];
  readonly received: Received[] = [];
  #authFailures = 0;

  readonly #http: Server;
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #verifier: TokenVerifier;
  readonly #workers = new Map<WebSocket, Registration>();
  readonly #offers = new Map<string, Pending>();
  readonly #accepted = new Map<string, { job: Job; ws: WebSocket }>();
  readonly #waiters = new Set<Waiter>();

  private constructor(opts: DispatchDoubleOptions) {
    this.#verifier = new TokenVerifier(opts.apiKey, opts.apiSecret);
    this.#http = createServer((_req, res) => res.writeHead(404).end());
    this.#http.on('upgrade', (req, socket, head) => void this.#upgrade(req, socket as Socket, head));
  }

  static async start(opts: DispatchDoubleOptions): Promise<DispatchDouble> {
    const double = new DispatchDouble(opts);
    await new Promise<void>((resolve, reject) => {
      double.#http.once('error', reject).listen(opts.port ?? 0, '127.0.0.1', resolve);
    });
    return double;
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.#http.address() as AddressInfo).port}`;
  }

  /** Upgrades to `/agent` refused with 401. */
  get authFailures(): number {
    return this.#authFailures;
  }

  // Generous bounds: a worker boots slower while other test files load the same 2 CPUs (they resolve as soon as the condition holds).
  waitForRegistration(n = 1, timeoutMs = 20_000): Promise<Registration> {
    return this.waitFor(() => this.registrations[n - 1], timeoutMs, `registration #${n}`);
  }

  waitForLoadReport(predicate: (r: LoadReport) => boolean = () => true, timeoutMs = 10000): Promise<LoadReport> {
    return this.waitFor(() => this.loadReports.find(predicate), timeoutMs, 'a matching load report');
  }

  /** Resolves with the probe's first value other than undefined/false, re-probing after every event. */
  waitFor<T>(probe: () => T | undefined | false, timeoutMs = 20_000, what = 'condition'): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter = {
        check: () => {
          const value = probe();
          if (value === undefined || value === false) return false;
          done();
          resolve(value);
          return true;
        },
        fail: (e) => (done(), reject(e)),
      };
      const timer = setTimeout(() => waiter.fail(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
      const done = () => (clearTimeout(timer), this.#waiters.delete(waiter));
      if (!waiter.check()) this.#waiters.add(waiter);
    });
  }

  /** Offers the job to the newest worker registered under its agent name, as the server would. */
  offer(spec: JobSpec, timeoutMs = 15_000): Promise<AvailabilityAnswer> {
    const job = toJob(spec);
    const ws = [...this.#workers].reverse().find(([, r]) => r.agentName === job.agentName)?.[0];
    if (!ws) return Promise.reject(new Error(`no worker registered for agent name "${job.agentName}"`));
    return new Promise((resolve, reject) => {
      send(ws, { case: 'availability', value: { job, resuming: false } });
      const timer = setTimeout(() => this.#settle(job.id, new Error(`no availability answer for ${job.id}`)), timeoutMs);
      this.#offers.set(job.id, { job, ws, resolve, reject, timer });
    });
  }

  /** Sends the assignment for an accepted job; the job must be the one that was offered. */
  assign(jobId: string, { url = this.url, token = `token-${jobId}` }: { url?: string; token?: string } = {}): void {
    const accepted = this.#accepted.get(jobId);
    if (!accepted) throw new Error(`job ${jobId} was not accepted`);
    send(accepted.ws, { case: 'assignment', value: { job: accepted.job, url, token } });
  }

  async dispatch(spec: JobSpec, assignment?: { url?: string; token?: string }): Promise<AvailabilityAnswer> {
    const answer = await this.offer(spec);
    if (answer.available) this.assign(answer.jobId, assignment);
    return answer;
  }

  terminate(jobId: string): void {
    const accepted = this.#accepted.get(jobId);
    if (!accepted) throw new Error(`job ${jobId} was not accepted`);
    send(accepted.ws, { case: 'termination', value: { jobId } });
  }

  /** Kills every worker socket without a close frame, like a crashed server (the worker sees 1006). */
  dropConnection(): void {
    for (const ws of this.#wss.clients) ws.terminate();
  }

  async close(): Promise<void> {
    for (const w of this.#waiters) w.fail(new Error('dispatch double closed'));
    for (const id of [...this.#offers.keys()]) this.#settle(id, new Error('dispatch double closed'));
    this.dropConnection();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    this.#http.closeAllConnections();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
  }

  async #upgrade(req: IncomingMessage, socket: Socket, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const reject = (status: string) => void socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    if (new URL(req.url ?? '/', 'http://x').pathname !== '/agent') return reject('404 Not Found');
    const jwt = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    // TokenVerifier checks the HS256 signature, the issuer (API key) and a required, unexpired `exp`.
    const grants = jwt ? await this.#verifier.verify(jwt, 0).catch(() => undefined) : undefined;
    if (grants?.video?.agent !== true) {
      this.#authFailures++;
      this.#notify();
      return reject('401 Unauthorized');
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#connected(ws));
  }

  #connected(ws: WebSocket): void {
    ws.on('error', () => {}); // a dropped worker is an expected event here, not a test failure
    ws.on('message', (data) => this.#message(ws, data));
    ws.on('close', () => {
      this.#workers.delete(ws);
      for (const [id, p] of this.#offers) if (p.ws === ws) this.#settle(id, new Error(`worker left before answering ${id}`));
    });
  }

  #message(ws: WebSocket, data: RawData): void {
    const { message } = WorkerMessage.fromBinary(new Uint8Array(data as Buffer));
    if (!message.case) return;
    const at = Date.now();
    this.received.push({ case: message.case, value: message.value, at });
    if (message.case === 'register') {
      const { agentName, type, version, allowedPermissions } = message.value;
      const reg = { workerId: `AW_double_${++seq}`, agentName, type, version, allowedPermissions, at };
      this.registrations.push(reg);
      this.#workers.set(ws, reg);
      send(ws, { case: 'register', value: { workerId: reg.workerId, serverInfo: new ServerInfo({ version: 'dispatch-double' }) } });
    } else if (message.case === 'availability') {
      const { jobId, available, participantIdentity, participantName, participantMetadata, participantAttributes } = message.value;
      const pending = this.#offers.get(jobId);
      if (pending && available) this.#accepted.set(jobId, { job: pending.job, ws });
      this.#settle(jobId, { jobId, available, participantIdentity, participantName, participantMetadata, participantAttributes: { ...participantAttributes } });
    } else if (message.case === 'updateWorker') {
      this.loadReports.push({ load: message.value.load, status: message.value.status, at });
    }
    this.#notify();
  }

  #settle(jobId: string, outcome: AvailabilityAnswer | Error): void {
    const pending = this.#offers.get(jobId);
    if (!pending) return;
    this.#offers.delete(jobId);
    clearTimeout(pending.timer);
    if (outcome instanceof Error) pending.reject(outcome);
    else pending.resolve(outcome);
  }

  #notify(): void {
    for (const w of [...this.#waiters]) w.check();
  }
}

function toJob(spec: JobSpec): Job {
  const id = spec.id ?? `AJ_double_${++seq}`;
  return new Job({
    id,
    type: JobType.JT_ROOM,
    room: new Room({ name: spec.roomName, sid: `RM_${spec.roomName}`, metadata: spec.roomMetadata ?? '' }),
    participant: spec.participantIdentity ? new ParticipantInfo({ identity: spec.participantIdentity }) : undefined,
    metadata: spec.metadata ?? '',
    agentName: spec.agentName ?? '',
  });
}

function send(ws: WebSocket, message: NonNullable<ConstructorParameters<typeof ServerMessage>[0]>['message']): void {
  if (ws.readyState !== ws.OPEN) throw new Error('the worker connection is closed');
  ws.send(new ServerMessage({ message }).toBinary());
}
