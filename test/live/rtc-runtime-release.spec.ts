import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { CALL_SCRIPTS } from '../../sample/src/voice/scripted/call-scripts.js';
import { agentJobId, agentText, useCallers } from '../support/live/callers.js';
import { describeLive, uniqueRoom, useLiveServer } from '../support/live/live-server.js';
import { SCRIPTED_MODELS } from '../support/live/sample-worker.js';
import { isAlive } from '../support/process-alive.js';
import { until } from '../support/until.js';

const WORKER = fileURLToPath(new URL('../fixtures/rtc-release-worker.mjs', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface FixtureEvent {
  event: 'registered' | 'served' | 'closed' | 'alive';
  pid: number;
  stats?: Record<string, unknown>;
  resources?: string[];
}

// Issue #11 item 9, last part: rtc-node's native runtime is released when a coroutine worker closes.
// A real call's Room.connect() starts rtc-node's FFI runtime in the worker's own process, and its
// callback keeps the event loop alive; a job process disposes it before exiting, but in coroutine
// isolation the worker's process lives on. So: a worker in a process of its own (the built sample,
// coroutine isolation) serves one real call on the real server, closes its Nest app, and then has
// nothing left to do. It must exit by itself: no FFI handle, room, socket or timer of ours holds it.
describeLive('live: rtc-node released when a coroutine worker closes', () => {
  const server = useLiveServer();
  const call = useCallers();
  let worker: ChildProcess | undefined;
  afterAll(async () => {
    if (worker && worker.exitCode === null && worker.signalCode === null) {
      worker.kill('SIGKILL');
      await once(worker, 'exit');
    }
  });

  it('a worker that served a real call and closed its app exits by itself', async () => {
    const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(OPENRTC|LIVEKIT|RESTAURANT|DENTAL)_/.test(name)));
    Object.assign(env, SCRIPTED_MODELS, {
      LIVEKIT_URL: server().url,
      LIVEKIT_API_KEY: server().apiKey,
      LIVEKIT_API_SECRET: server().apiSecret,
      OPENRTC_ISOLATION: 'coroutine',
      // Plain node: jest's flags are not for this process.
      NODE_OPTIONS: '',
    });
    const child = (worker = spawn(process.execPath, [WORKER], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] }));
    const events: FixtureEvent[] = [];
    let output = '';
    let buffered = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) if (line.startsWith('{"fixture":"rtc-release"')) events.push(JSON.parse(line) as FixtureEvent);
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    const seen = (event: FixtureEvent['event']) => events.some((e) => e.event === event);
    const tail = () => output.split('\n').slice(-30).join('\n');

    await until(() => seen('registered') || child.exitCode !== null, 90_000, 'the worker to register').catch((error) => {
      throw new Error(`${error.message}\nworker output:\n${tail()}`);
    });
    expect(seen('registered')).toBe(true);

    // One real call: the agent joins over WebRTC from the worker's process, greets, and is heard.
    const caller = await call({ server: server(), room: uniqueRoom('restaurant') });
    await agentJobId(caller);
    expect((await caller.waitFor('agent-audio', undefined, 60_000)).rms).toBeGreaterThan(300);
    await until(() => agentText(caller).includes(CALL_SCRIPTS.restaurant!.greeting), 60_000, 'the greeting');
    await caller.leave();

    await until(() => seen('closed') || child.exitCode !== null, 60_000, 'the worker to serve the call and close').catch((error) => {
      throw new Error(`${error.message}\nworker output:\n${tail()}`);
    });
    expect(events.find((e) => e.event === 'served')?.stats).toMatchObject({ isolation: 'coroutine', succeeded: 1, failed: 0, activeSessions: 0 });
    expect(seen('closed')).toBe(true);
    const closedAt = performance.now();

    // Liveness, not speed: a process still alive after this long is held by something.
    await until(() => child.exitCode !== null || child.signalCode !== null, 60_000, 'the closed worker to exit by itself').catch((error) => {
      const alive = events.filter((e) => e.event === 'alive').at(-1);
      throw new Error(`${error.message}; still holding it: ${JSON.stringify(alive?.resources ?? '(no report)')}\nworker output:\n${tail()}`);
    });
    const [code, signal] = await exited;
    console.log(`the closed worker (pid ${child.pid}) exited ${((performance.now() - closedAt) / 1000).toFixed(1)} s after its app closed, with ${signal ?? `code ${code}`}`);
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(isAlive(child.pid!)).toBe(false);
  }, 240_000);
});
