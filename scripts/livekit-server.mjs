#!/usr/bin/env node
// A real livekit-server on loopback, for the live test suite, the live demo and the live benchmark.
//
//   import { startLiveKitServer } from './scripts/livekit-server.mjs';
//   const server = await startLiveKitServer();   // { url, httpUrl, apiKey, apiSecret, stop() }
//
//   node scripts/livekit-server.mjs ensure      find or build the binary, print its path
//   node scripts/livekit-server.mjs start       run one until Ctrl-C, print LIVEKIT_* to export
//
// The binary: env LIVEKIT_SERVER_BIN, else `livekit-server` on PATH, else the project-local cache
// (.cache/livekit-server/<version>/, git-ignored), else `go install` builds it there. Go's module and
// build caches stay at Go's defaults, so a clean clone on the same machine rebuilds in seconds.
// The server runs under a small watchdog process joined to ours by IPC: when this process ends in any
// way (even SIGKILL), the IPC channel closes and the watchdog kills the server.
// The server runs in our session (scripts/process-tree.mjs says why), and its output goes to a file
// that this process reads, never through a pipe: a pipe whose reader is starved (a busy machine, a
// loop running calls) fills, and the server would then block wherever it logs.
import { fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { accessSync, closeSync, constants, mkdirSync, mkdtempSync, openSync, readSync, renameSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { StringDecoder } from 'node:string_decoder';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signalTree } from './process-tree.mjs';

export const LIVEKIT_SERVER_VERSION = 'v1.13.5';
export const LIVEKIT_SERVER_MODULE = 'github.com/livekit/livekit-server/cmd/server';
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SELF = fileURLToPath(import.meta.url);
export const CACHE_DIR = join(ROOT, '.cache', 'livekit-server', LIVEKIT_SERVER_VERSION);
const CACHED_BINARY = join(CACHE_DIR, 'livekit-server');
const WATCHDOG_FLAG = '--openrtc-livekit-watchdog';

export const HOW_TO_GET_A_SERVER =
  `install Go (https://go.dev/dl) so the script can build it, or build it yourself: ` +
  `go install ${LIVEKIT_SERVER_MODULE}@${LIVEKIT_SERVER_VERSION} (then set LIVEKIT_SERVER_BIN to the 'server' binary, or put it on PATH as livekit-server); ` +
  `or run one with Docker: docker run --rm -p 7880:7880 -p 7881:7881 -p 7882:7882/udp livekit/livekit-server --dev --node-ip 127.0.0.1 ` +
  `and set LIVEKIT_URL=ws://127.0.0.1:7880 LIVEKIT_API_KEY=devkey LIVEKIT_API_SECRET=secret`;

/** No binary could be found or built; `message` says how to get one. */
export class LiveKitServerUnavailableError extends Error {
  name = 'LiveKitServerUnavailableError';
}

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    if (executable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/**
 * Finds a server binary without building one: `{ path, source }` with source 'env', 'path' or
 * 'cache'; undefined when there is none. A LIVEKIT_SERVER_BIN that is not executable is an error.
 */
export function findServerBinary(env = process.env) {
  if (env.LIVEKIT_SERVER_BIN) {
    if (!executable(env.LIVEKIT_SERVER_BIN)) {
      throw new LiveKitServerUnavailableError(`LIVEKIT_SERVER_BIN is set to '${env.LIVEKIT_SERVER_BIN}', which is not an executable file. Point it at a livekit-server binary or unset it.`);
    }
    return { path: env.LIVEKIT_SERVER_BIN, source: 'env' };
  }
  const fromPath = onPath('livekit-server');
  if (fromPath) return { path: fromPath, source: 'path' };
  if (executable(CACHED_BINARY)) return { path: CACHED_BINARY, source: 'cache' };
  return undefined;
}

/**
 * Finds a binary (see findServerBinary) or builds it into the cache with `go install`. Resolves
 * `{ path, source, buildSeconds? }`; rejects with LiveKitServerUnavailableError when there is no `go`.
 */
export async function ensureServerBinary({ log = (line) => process.stderr.write(`${line}\n`), env = process.env } = {}) {
  const found = findServerBinary(env);
  if (found) return found;
  const go = onPath('go');
  if (!go) throw new LiveKitServerUnavailableError(`No livekit-server binary and no Go toolchain to build one: ${HOW_TO_GET_A_SERVER}.`);
  const gobin = join(CACHE_DIR, `.build-${process.pid}`);
  rmSync(gobin, { recursive: true, force: true });
  mkdirSync(gobin, { recursive: true });
  log(`livekit-server: building ${LIVEKIT_SERVER_MODULE}@${LIVEKIT_SERVER_VERSION} with go install (a first build takes minutes; later ones reuse Go's caches)...`);
  const begun = performance.now();
  try {
    await new Promise((resolve, reject) => {
      const child = spawn(go, ['install', `${LIVEKIT_SERVER_MODULE}@${LIVEKIT_SERVER_VERSION}`], {
        env: { ...env, GOBIN: gobin, CGO_ENABLED: '0' },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      child.once('error', reject);
      child.once('exit', (code, signal) => (code === 0 ? resolve() : reject(new LiveKitServerUnavailableError(`go install ${LIVEKIT_SERVER_MODULE}@${LIVEKIT_SERVER_VERSION} failed (${signal ?? `exit code ${code}`}); see its output above. Otherwise: ${HOW_TO_GET_A_SERVER}.`))));
    });
    // Renamed in place, so a concurrent reader sees either no binary or a whole one.
    renameSync(join(gobin, 'server'), CACHED_BINARY);
  } finally {
    rmSync(gobin, { recursive: true, force: true });
  }
  const buildSeconds = (performance.now() - begun) / 1000;
  log(`livekit-server: built in ${buildSeconds.toFixed(0)} s, cached at ${CACHED_BINARY.slice(ROOT.length + 1)}`);
  return { path: CACHED_BINARY, source: 'built', buildSeconds };
}

/** A server given by the environment (LIVEKIT_URL with LIVEKIT_API_KEY/SECRET), or undefined. */
export function externalServer(env = process.env) {
  if (!env.LIVEKIT_URL) return undefined;
  const url = env.LIVEKIT_URL.replace(/^http/, 'ws');
  return {
    url,
    httpUrl: url.replace(/^ws/, 'http'),
    apiKey: env.LIVEKIT_API_KEY ?? 'devkey',
    apiSecret: env.LIVEKIT_API_SECRET ?? 'secret',
    external: true,
    stop: async () => undefined,
  };
}

/** Whether `GET <httpUrl>/` answers 200 (what livekit-server does once it serves). */
export async function isServerUp(httpUrl, timeoutMs = 2000) {
  try {
    const response = await fetch(new URL('/', httpUrl), { signal: AbortSignal.timeout(timeoutMs) });
    return response.status === 200;
  } catch {
    return false;
  }
}

function freeTcpPort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function freeUdpPort() {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

/**
 * Starts a livekit-server on 127.0.0.1 with free ports and a key pair made for this run, and resolves
 * once it answers. `stop()` ends it (and the watchdog); so does the end of this process.
 * Options: `binary` (a path; default ensureServerBinary()), `logLevel` ('info'), `onLog(line)` for
 * the server's output, `readyTimeoutMs` (30 s).
 */
export async function startLiveKitServer({ binary, logLevel = 'info', onLog, readyTimeoutMs = 30_000 } = {}) {
  const path = binary ?? (await ensureServerBinary()).path;
  let lastError;
  // A free port can be taken by someone else before the server binds it: retry with new ones.
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      return await startOnce(path, logLevel, onLog, readyTimeoutMs);
    } catch (error) {
      lastError = error;
      if (!error.retryable) break;
    }
  }
  throw lastError;
}

async function startOnce(binary, logLevel, onLog, readyTimeoutMs) {
  const [port, tcpPort, udpPort] = [await freeTcpPort(), await freeTcpPort(), await freeUdpPort()];
  const apiKey = `API${randomBytes(6).toString('hex')}`;
  const apiSecret = randomBytes(24).toString('base64url');
  const config = [
    `port: ${port}`,
    'rtc:',
    `  tcp_port: ${tcpPort}`,
    `  udp_port: ${udpPort}`,
    '  use_external_ip: false',
    'turn:',
    '  enabled: false',
    'logging:',
    `  level: ${logLevel}`,
  ].join('\n');
  const args = ['--dev', '--bind', '127.0.0.1', '--node-ip', '127.0.0.1', '--config-body', config, '--keys', `${apiKey}: ${apiSecret}`];
  const logDir = mkdtempSync(join(tmpdir(), 'openrtc-livekit-'));
  const logFile = join(logDir, 'server.log');
  const watchdog = fork(SELF, [WATCHDOG_FLAG], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    // Plain node: the parent's loaders and flags (jest's --experimental-vm-modules) are not needed here.
    execArgv: [],
    env: { ...process.env, NODE_OPTIONS: '' },
    serialization: 'json',
  });
  const tail = [];
  const addLine = (line) => {
    tail.push(line);
    if (tail.length > 40) tail.shift();
    onLog?.(line);
  };
  const log = new LogReader(logFile, addLine);
  let exited;
  const exit = new Promise((resolve) => {
    watchdog.on('message', (message) => {
      if (message?.kind === 'log') addLine(message.line); // the watchdog's own (a spawn failure)
      else if (message?.kind === 'exit') {
        exited = message;
        resolve(message);
      }
    });
    watchdog.once('exit', () => resolve(exited ?? { code: null, signal: 'watchdog gone' }));
  }).then((result) => {
    log.close();
    rmSync(logDir, { recursive: true, force: true });
    return result;
  });
  // Our event loop must not wait on the watchdog: it ends with us (the IPC channel closes).
  watchdog.unref();
  watchdog.channel?.unref();
  watchdog.send({ kind: 'start', binary, args, logFile });
  const httpUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    // Hold this process open until the server is gone.
    watchdog.ref();
    watchdog.channel?.ref();
    if (watchdog.connected) watchdog.send({ kind: 'stop' });
    await exit;
    if (watchdog.connected) watchdog.disconnect();
  };
  const deadline = Date.now() + readyTimeoutMs;
  while (!(await isServerUp(httpUrl, 1000))) {
    if (exited || Date.now() > deadline) {
      log.read();
      await stop();
      const output = tail.join('\n');
      const error = new Error(
        `livekit-server (${binary}) ${exited ? `exited (${exited.signal ?? `code ${exited.code}`})` : `did not answer at ${httpUrl} within ${readyTimeoutMs} ms`} before it served. Its last output:\n${output}`,
      );
      error.retryable = /address already in use/i.test(output);
      throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url: `ws://127.0.0.1:${port}`, httpUrl, apiKey, apiSecret, ports: { http: port, tcp: tcpPort, udp: udpPort }, pid: watchdog.pid, external: false, stop, exited: exit };
}

/**
 * Reads the server's log file as it grows (every 200 ms, off the caller's critical path) and hands
 * each complete line to `onLine`.
 */
class LogReader {
  #fd;
  #position = 0;
  #partial = '';
  #decoder = new StringDecoder('utf8'); // a read may end inside a character
  #buffer = Buffer.alloc(1 << 16);
  #timer;

  constructor(file, onLine) {
    this.file = file;
    this.onLine = onLine;
    this.#timer = setInterval(() => this.read(), 200);
    this.#timer.unref();
  }

  /** Reads whatever the server wrote since the last read. */
  read() {
    if (this.#fd === undefined) {
      try {
        this.#fd = openSync(this.file, 'r');
      } catch {
        return; // not created yet
      }
    }
    for (let n; (n = readSync(this.#fd, this.#buffer, 0, this.#buffer.length, this.#position)) > 0; ) {
      this.#position += n;
      const lines = (this.#partial + this.#decoder.write(this.#buffer.subarray(0, n))).split('\n');
      this.#partial = lines.pop();
      for (const line of lines) this.onLine(line);
    }
  }

  close() {
    clearInterval(this.#timer);
    this.read();
    if (this.#partial) this.onLine(this.#partial);
    this.#partial = '';
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }
}

/** The watchdog: runs the server and kills it (with anything it started) when told to or when its parent is gone. */
function runWatchdog() {
  let server;
  let stopping = false;
  const report = (message) => {
    if (process.connected) process.send(message, () => undefined);
  };
  const killServer = (signal) => {
    if (!server?.pid) return;
    signalTree(server.pid, signal);
  };
  const stop = () => {
    if (stopping) return;
    stopping = true;
    if (!server || server.exitCode !== null || server.signalCode !== null) process.exit(0);
    killServer('SIGTERM');
    // livekit-server waits for its rooms to close on SIGTERM; do not wait long for that.
    setTimeout(() => killServer('SIGKILL'), 3000).unref();
  };
  process.on('disconnect', stop);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('message', (message) => {
    if (message?.kind === 'stop') stop();
    if (message?.kind !== 'start' || server) return;
    const out = openSync(message.logFile, 'a');
    // Not detached: a session of its own is a scheduling group of its own (scripts/process-tree.mjs).
    server = spawn(message.binary, message.args, { stdio: ['ignore', out, out] });
    closeSync(out);
    server.once('error', (error) => {
      report({ kind: 'log', line: String(error?.message ?? error) });
      report({ kind: 'exit', code: null, signal: 'spawn failed' });
      process.exit(1);
    });
    server.once('exit', (code, signal) => {
      // The parent removes the log once read; a parent that is gone cannot.
      if (!process.connected) rmSync(dirname(message.logFile), { recursive: true, force: true });
      report({ kind: 'exit', code, signal });
      setTimeout(() => process.exit(0), 50);
    });
  });
}

async function cli(command) {
  switch (command) {
    case 'ensure': {
      const { path, source } = await ensureServerBinary();
      console.log(`${path} (${source})`);
      return;
    }
    case 'start': {
      const server = await startLiveKitServer({ onLog: process.argv.includes('--verbose') ? (line) => process.stderr.write(`${line}\n`) : undefined });
      console.log(`livekit-server ${LIVEKIT_SERVER_VERSION} on 127.0.0.1 (Ctrl-C stops it):`);
      console.log(`export LIVEKIT_URL=${server.url} LIVEKIT_API_KEY=${server.apiKey} LIVEKIT_API_SECRET=${server.apiSecret}`);
      const keepAlive = setInterval(() => undefined, 1 << 30); // the watchdog is unref'd: hold the process open
      const stop = () => void server.stop().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const { code, signal } = await server.exited;
      clearInterval(keepAlive);
      console.error(`livekit-server exited (${signal ?? `code ${code}`})`);
      process.exit(1);
      return;
    }
    default:
      console.error('usage: node scripts/livekit-server.mjs ensure | start [--verbose]');
      process.exit(2);
  }
}

if (process.argv[1] === SELF) {
  if (process.argv[2] === WATCHDOG_FLAG) runWatchdog();
  else {
    cli(process.argv[2]).catch((error) => {
      console.error(error instanceof LiveKitServerUnavailableError ? `livekit-server: ${error.message}` : error);
      process.exit(1);
    });
  }
}
