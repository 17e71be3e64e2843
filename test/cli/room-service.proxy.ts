import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

/**
 * LiveKit serves the worker protocol (`/agent`, WebSocket) and the RoomService API (Twirp over
 * HTTP) on one address. The dispatch double only speaks the first, so this front forwards
 * WebSocket upgrades to it and answers the two RoomService calls `AgentServer.simulateJob` makes
 * (CreateRoom, GetParticipant), recording them.
 */
export class RoomServiceProxy {
  readonly calls: Array<{ method: string; body: Record<string, unknown>; authorized: boolean }> = [];
  private readonly server: Server;

  private constructor(private readonly upstreamPort: number) {
    this.server = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk) => (text += chunk));
      req.on('end', () => {
        const method = /^\/twirp\/livekit\.RoomService\/(\w+)$/.exec(req.url ?? '')?.[1];
        if (req.method !== 'POST' || !method) return void res.writeHead(404).end();
        const body = JSON.parse(text || '{}') as Record<string, unknown>;
        this.calls.push({ method, body, authorized: /^Bearer .+/.test(req.headers.authorization ?? '') });
        const reply = method === 'CreateRoom'
          ? { sid: `RM_${body.name}`, name: body.name, emptyTimeout: 300, creationTime: '0' }
          : { sid: 'PA_caller', identity: body.identity, state: 'ACTIVE' };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
      });
    });
    this.server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => this.forward(req, socket, head));
  }

  static async start(upstreamUrl: string): Promise<RoomServiceProxy> {
    const proxy = new RoomServiceProxy(Number(new URL(upstreamUrl).port));
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private forward(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const upstream = connect(this.upstreamPort, '127.0.0.1', () => {
      const headers = Object.entries(req.headers).map(([name, value]) => `${name}: ${Array.isArray(value) ? value.join(', ') : value}`);
      upstream.write(`${req.method} ${req.url} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
    const close = () => {
      socket.destroy();
      upstream.destroy();
    };
    upstream.on('error', close);
    socket.on('error', close);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
