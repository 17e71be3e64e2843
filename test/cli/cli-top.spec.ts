import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI, ROOT, assertBuilt, cleanEnv, lines, runCli } from './cli-process.js';
import { until } from '../support/until.js';

/** A running call's state in the snapshot: upstream's agent state once its session runs. */
const LIVE_STATE = /^(listening|thinking|speaking)$/;

const WORKER = fileURLToPath(new URL('../fixtures/top-worker.mjs', import.meta.url));

/** A worker with two simulated calls, its snapshot socket in `runtimeDir`. */
async function startWorker(runtimeDir: string): Promise<{ child: ChildProcess; pid: number; jobs: string[] }> {
  const child = spawn(process.execPath, [WORKER], { cwd: ROOT, env: cleanEnv({ XDG_RUNTIME_DIR: runtimeDir }), stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  let exited = false;
  child.once('exit', () => (exited = true));
  await until(() => output.includes('"ready"') || exited, 60_000, 'the worker to start its calls');
  if (exited) throw new Error(`the worker exited: ${output}`);
  const ready = JSON.parse(output.split('\n').find((line) => line.includes('"ready"'))!) as { pid: number; jobs: string[] };
  return { child, ...ready };
}

async function stopWorker(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

const tmux = (server: string, ...args: string[]) => execFileSync('tmux', ['-L', server, ...args], { encoding: 'utf8' });

// `openrtc top` against a real worker process serving simulated calls: discovered through the
// per-user runtime directory, as a script (--once, --json) and live in a real terminal (tmux).
describe('openrtc top', () => {
  let runtimeDir: string;
  let worker: Awaited<ReturnType<typeof startWorker>> | undefined;

  beforeAll(async () => {
    assertBuilt();
    runtimeDir = mkdtempSync(join(tmpdir(), 'openrtc-top-'));
    worker = await startWorker(runtimeDir);
  });
  afterAll(async () => {
    await stopWorker(worker?.child);
    rmSync(runtimeDir, { recursive: true, force: true });
  });

  it('serves the snapshot on a 0600 socket in a 0700 per-user directory', () => {
    const dir = lstatSync(join(runtimeDir, 'openrtc'));
    expect(dir.mode & 0o777).toBe(0o700);
    const socket = lstatSync(join(runtimeDir, 'openrtc', `${worker!.pid}.sock`));
    expect(socket.isSocket()).toBe(true);
    expect(socket.mode & 0o777).toBe(0o600);
  });

  it('--json prints the snapshot', async () => {
    const { code, stdout } = await runCli(['top', '--json'], { env: cleanEnv({ XDG_RUNTIME_DIR: runtimeDir }) });
    expect(code).toBe(0);
    const snapshot = JSON.parse(stdout);
    expect(snapshot.worker).toEqual(expect.objectContaining({
      isolation: 'coroutine', registered: false, draining: false, activeSessions: 2, maxConcurrentSessions: 8, offersRefused: 0,
      load: 0.25, rssBytes: expect.any(Number), loopDelayP99Ms: expect.any(Number),
    }));
    expect(snapshot.sessions).toEqual([
      { jobId: worker!.jobs[0], roomName: 'lobby-1', agentName: 'reception', startedAt: expect.any(Number), state: expect.stringMatching(LIVE_STATE) },
      { jobId: worker!.jobs[1], roomName: 'desk-9', agentName: 'billing', startedAt: expect.any(Number), state: expect.stringMatching(LIVE_STATE) },
    ]);
  });

  it('--once prints one frame: the header and a row per call; --pid and --socket pick the worker', async () => {
    for (const args of [['top', '--once'], ['top', '--once', '--pid', String(worker!.pid)], ['top', '--once', '--socket', join(runtimeDir, 'openrtc', `${worker!.pid}.sock`)]]) {
      const { code, stdout } = await runCli(args, { env: cleanEnv({ XDG_RUNTIME_DIR: runtimeDir }) });
      expect(code).toBe(0);
      const frame = lines(stdout);
      expect(frame[0]).toBe('openrtc top · coroutine isolation · not registered');
      expect(frame[1]).toMatch(/^load 25%  sessions 2\/8  RSS \d+ MB  loop p99 \d+\.\d ms  offers refused 0$/);
      expect(frame[2]).toMatch(/^AGENT\s+ROOM\s+AGE\s+STATE\s+JOB$/);
      expect(frame[3]).toMatch(new RegExp(`^reception\\s+lobby-1\\s+(\\d+m)?\\d+s\\s+(listening|thinking|speaking)\\s+${worker!.jobs[0]}$`));
      expect(frame[4]).toMatch(new RegExp(`^billing\\s+desk-9\\s+(\\d+m)?\\d+s\\s+(listening|thinking|speaking)\\s+${worker!.jobs[1]}$`));
    }
  });

  it('runs live in a real terminal and quits on q', async () => {
    const server = `openrtc-top-${process.pid}`;
    const env = `XDG_RUNTIME_DIR='${runtimeDir}'`;
    try {
      tmux(server, 'new-session', '-d', '-x', '120', '-y', '20', `env -u NODE_OPTIONS ${env} '${process.execPath}' '${CLI}' top --interval 0.25; echo "top exited $?"; sleep 60`);
      const screen = () => tmux(server, 'capture-pane', '-p');
      await until(() => /billing\s+desk-9/.test(screen()), 30_000, 'top to draw the calls');
      const frame = screen();
      expect(frame).toMatch(/openrtc top · coroutine isolation · not registered/);
      expect(frame).toMatch(/load 25%\s+sessions 2\/8\s+RSS \d+ MB/);
      expect(frame).toMatch(/reception\s+lobby-1\s+(\d+m)?\d+s\s+(listening|thinking|speaking)/);
      // Redraws: the ages move on (a later frame differs from the first).
      await until(() => screen() !== frame, 30_000, 'a redraw');
      tmux(server, 'send-keys', 'q');
      await until(() => screen().includes('top exited'), 30_000, 'top to quit');
      expect(screen()).toContain('top exited 0');
    } finally {
      try {
        tmux(server, 'kill-server');
      } catch {
        // already gone
      }
    }
  });

  it('says what to do when no worker runs, and refuses a symlinked socket directory', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'openrtc-top-empty-'));
    const linked = mkdtempSync(join(tmpdir(), 'openrtc-top-link-'));
    try {
      const none = await runCli(['top', '--once'], { env: cleanEnv({ XDG_RUNTIME_DIR: empty }) });
      expect(none.code).toBe(1);
      expect(lines(none.stderr)).toEqual([`openrtc: No running openrtc worker found in ${join(empty, 'openrtc')}. Start one (openrtc start / dev), or pass --socket <path> (or OPENRTC_TOP_SOCKET).`]);
      mkdirSync(join(linked, 'elsewhere'));
      symlinkSync(join(linked, 'elsewhere'), join(linked, 'openrtc'));
      const refused = await runCli(['top', '--once'], { env: cleanEnv({ XDG_RUNTIME_DIR: linked }) });
      expect(refused.code).toBe(1);
      expect(lines(refused.stderr)).toEqual([`openrtc: ${join(linked, 'openrtc')} is a symbolic link; refusing it as the openrtc socket directory. Remove it (or set OPENRTC_TOP_SOCKET).`]);
      const help = await runCli(['top', '--help'], { env: cleanEnv() });
      expect(lines(help.stdout)[0]).toBe('Usage: openrtc top [flags]');
      const badInterval = await runCli(['top', '--interval', '0'], { env: cleanEnv({ XDG_RUNTIME_DIR: empty }) });
      expect(badInterval.code).toBe(2);
      expect(lines(badInterval.stderr)).toEqual(['openrtc: Flag --interval must be a number of seconds from 0.25 to 60, got "0".']);
    } finally {
      rmSync(empty, { recursive: true, force: true });
      rmSync(linked, { recursive: true, force: true });
    }
  });
});
