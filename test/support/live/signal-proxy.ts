import { EventEmitter, once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';

/** One connection through the proxy: what it asked for, from which local port, and whether it was held. */
export interface ProxiedConnection {
  path: string;
  /** From the request's access token (query `access_token` or `Authorization: Bearer`): LiveKit's video grant room. */
  room?: string;
  /** The token's subject: the participant identity (`agent-<jobId>` for an agent). */
  identity?: string;
  /** The client's port on 127.0.0.1: which process owns the connection (see socketOwner). */
  clientPort: number;
  held: boolean;
  /** performance.now() when its request arrived. */
  at: number;
}

export interface SignalProxy {
  /** ws://127.0.0.1:<port>: give it to the worker as its LiveKit URL. */
  url: string;
  readonly connections: ProxiedConnection[];
  /** From now on, requests whose token is for `room` are held: read, never answered, never forwarded. */
  hold(room: string): void;
  /** The first connection (held or not) for `room` by an agent, as it arrives. */
  agentConnection(room: string, timeoutMs?: number): Promise<ProxiedConnection>;
  close(): Promise<void>;
}

function tokenClaims(path: string, headers: string): { room?: string; identity?: string } {
  const query = new URL(path, 'http://proxy').searchParams.get('access_token');
  const bearer = /^authorization:\s*bearer\s+(\S+)/im.exec(headers)?.[1];
  const token = query ?? bearer;
  if (!token) return {};
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { sub?: string; video?: { room?: string } };
    return { room: claims.video?.room, identity: claims.sub };
  } catch {
    return {};
  }
}

/**
 * A TCP proxy on loopback in front of a real livekit-server. Every byte is forwarded unchanged, so a
 * worker registers through it (`/agent`) and agents join rooms through it (`/rtc`), except the
 * requests for a room put on hold: those are accepted and left unanswered, as an unreachable signal
 * server would, so the agent's `ctx.connect()` for that room stays pending (rtc-node gives up by
 * itself after its own timeouts, about 16 s).
 */
export async function startSignalProxy(target: { httpUrl: string }): Promise<SignalProxy> {
  const upstream = new URL(target.httpUrl);
  const held = new Set<string>();
  const connections: ProxiedConnection[] = [];
  const sockets = new Set<Socket>();
  const events = new EventEmitter();
  const server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      client.off('data', onData);
      const text = head.subarray(0, end).toString('latin1');
      const path = text.split(' ')[1] ?? '/';
      const { room, identity } = tokenClaims(path, text);
      const connection: ProxiedConnection = { path: path.split('?')[0]!, room, identity, clientPort: client.remotePort!, held: room !== undefined && held.has(room), at: performance.now() };
      connections.push(connection);
      events.emit('connection', connection);
      if (connection.held) return; // read, never answered
      const server = connect(Number(upstream.port), upstream.hostname);
      sockets.add(server);
      server.on('close', () => {
        sockets.delete(server);
        client.destroy();
      });
      server.on('error', () => client.destroy());
      client.on('close', () => server.destroy());
      server.write(head);
      client.pipe(server);
      server.pipe(client);
    };
    client.on('data', onData);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return {
    url: `ws://127.0.0.1:${port}`,
    connections,
    hold: (room) => void held.add(room),
    agentConnection: (room, timeoutMs = 60_000) => {
      const match = (c: ProxiedConnection) => c.room === room && c.identity?.startsWith('agent-');
      const seen = connections.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          events.off('connection', listener);
          reject(new Error(`no agent connected to room '${room}' through the proxy within ${timeoutMs} ms; seen: ${JSON.stringify(connections)}`));
        }, timeoutMs);
        const listener = (c: ProxiedConnection) => {
          if (!match(c)) return;
          clearTimeout(timer);
          events.off('connection', listener);
          resolve(c);
        };
        events.on('connection', listener);
      });
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
