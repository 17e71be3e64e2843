import { chmodSync, lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import type { RuntimeSnapshot } from './snapshot.js';

/** Sets the socket's path for the worker, and the one `openrtc top` reads; `off`: no socket. */
export const TOP_SOCKET_ENV = 'OPENRTC_TOP_SOCKET';

let servedInProcess = 0;

/**
 * The per-user directory of worker sockets: `$XDG_RUNTIME_DIR/openrtc`, else `<tmp>/openrtc-<uid>`.
 * Created 0700; a symlink, a non-directory or another user's directory is refused, so no one else
 * can read the snapshots or plant a socket for `top`.
 */
export function socketDirectory(create = false): string {
  const uid = process.getuid?.() ?? 0;
  const dir = process.env.XDG_RUNTIME_DIR ? join(process.env.XDG_RUNTIME_DIR, 'openrtc') : join(tmpdir(), `openrtc-${uid}`);
  if (create) mkdirSync(dir, { recursive: true, mode: 0o700 });
  let stat;
  try {
    stat = lstatSync(dir);
  } catch {
    return dir; // not there: nothing to read from it
  }
  if (stat.isSymbolicLink()) throw new Error(`${dir} is a symbolic link; refusing it as the openrtc socket directory. Remove it (or set ${TOP_SOCKET_ENV}).`);
  if (!stat.isDirectory()) throw new Error(`${dir} is not a directory; remove it (or set ${TOP_SOCKET_ENV}).`);
  if (process.getuid && stat.uid !== uid) throw new Error(`${dir} belongs to another user (uid ${stat.uid}); refusing it. Set ${TOP_SOCKET_ENV} to a path of your own.`);
  if (create && (stat.mode & 0o077) !== 0) chmodSync(dir, 0o700);
  return dir;
}

/**
 * Serves the worker's snapshot on a unix socket (mode 0600): each connection gets one JSON line.
 * Resolves with the close function; a socket that cannot be set up is logged and skipped, never
 * fatal to the worker.
 */
export async function serveSnapshots(snapshot: () => RuntimeSnapshot): Promise<{ path?: string; close: () => Promise<void> }> {
  const logger = new Logger('OpenRTC');
  const configured = process.env[TOP_SOCKET_ENV]?.trim();
  if (configured === 'off' || process.platform === 'win32') return { close: async () => undefined };
  let path: string;
  try {
    const n = servedInProcess++;
    path = configured || join(socketDirectory(true), n === 0 ? `${process.pid}.sock` : `${process.pid}-${n}.sock`);
    removeStaleSocket(path);
  } catch (error) {
    logger.warn(`No socket for \`openrtc top\`: ${(error as Error).message}`);
    return { close: async () => undefined };
  }
  const server: Server = createServer((connection) => {
    connection.on('error', () => undefined);
    let body: string;
    try {
      body = JSON.stringify(snapshot());
    } catch (error) {
      body = JSON.stringify({ error: (error as Error).message });
    }
    connection.end(`${body}\n`);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => resolve());
    });
    chmodSync(path, 0o600);
  } catch (error) {
    logger.warn(`No socket for \`openrtc top\` at ${path}: ${(error as Error).message}`);
    server.close();
    return { close: async () => undefined };
  }
  server.unref();
  logger.debug?.(`Snapshot socket for \`openrtc top\`: ${path}`);
  return {
    path,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function removeStaleSocket(path: string): void {
  try {
    if (lstatSync(path).isSocket()) unlinkSync(path);
    else throw new Error(`${path} exists and is not a socket; refusing to replace it.`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
