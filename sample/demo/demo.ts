// `npm run demo`: the sample app's agents in one worker, twice (coroutine, then process isolation),
// with no LiveKit server and no keys. Prints memory, session start latency and prewarms side by side.
import { fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { ModeResult, WorkerMessage } from './demo.protocol.js';
import { treePss } from './process-memory.js';

interface ModeReport {
  result: ModeResult;
  idleMiB: number;
  inCallMiB: number;
  processes: number;
  startSeconds: number;
}

const WORKER = fileURLToPath(new URL('./demo-worker.js', import.meta.url));
const SCRIPTED = Object.fromEntries(['RESTAURANT', 'DENTAL'].flatMap((agent) => ['STT', 'LLM', 'TTS'].map((model) => [`${agent}_${model}`, 'scripted'])));

function sessionsArgument(argv: string[]): number {
  const index = argv.findIndex((arg) => arg === '--sessions' || arg.startsWith('--sessions='));
  if (index === -1) return 16;
  const raw = argv[index]!.includes('=') ? argv[index]!.split('=')[1] : argv[index + 1];
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 200) {
    process.stderr.write(`demo: --sessions must be a whole number from 1 to 200, got '${raw ?? ''}'.\n`);
    process.exit(2);
  }
  return value;
}

function runMode(isolation: 'coroutine' | 'process', sessions: number): Promise<ModeReport> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...SCRIPTED,
    OPENRTC_ISOLATION: isolation,
    OPENRTC_MAX_CONCURRENT_SESSIONS: String(Math.max(sessions, 25)),
    LIVEKIT_LOG_LEVEL: 'error',
    NODE_ENV: 'production', // @livekit/rtc-node logs at debug level otherwise
  };
  for (const name of ['LIVEKIT_URL', 'LIVEKIT_API_KEY', 'LIVEKIT_API_SECRET']) delete env[name]; // no server, no keys
  const begun = performance.now();
  const worker = fork(WORKER, [String(sessions)], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const tty = process.stdout.isTTY;
  return new Promise<ModeReport>((resolve, reject) => {
    let report: ModeReport | undefined;
    let idleMiB = 0;
    let inCall = { mib: 0, processes: 0 };
    let launchedAt = 0;
    let allStartedS = 0;
    let answered = 0;
    const since = () => (performance.now() - launchedAt) / 1000;
    worker.on('message', (message: WorkerMessage) => {
      switch (message.kind) {
        case 'booted':
          idleMiB = treePss(worker.pid!).mib;
          launchedAt = performance.now();
          break;
        case 'progress':
          answered = message.answered;
          if (message.started === message.total && !allStartedS) allStartedS = since();
          if (tty) process.stdout.write(`\r  ${isolation.padEnd(9)} calls started ${message.started}/${message.total}, answered ${message.answered}/${message.total}`);
          break;
        case 'in-call':
          // Every call is live and has been answered (or gave up): read memory now, then hang up.
          inCall = treePss(worker.pid!);
          process.stdout.write(`${tty ? '\r\x1b[K' : ''}  ${isolation.padEnd(9)} ${sessions} calls started in ${allStartedS.toFixed(1)} s; ${answered} answered by their agent after ${since().toFixed(1)} s\n`);
          worker.send({ kind: 'hang-up' });
          break;
        case 'result':
          report = { result: message.result, idleMiB, inCallMiB: inCall.mib, processes: inCall.processes, startSeconds: (performance.now() - begun) / 1000 };
          break;
      }
    });
    // The next mode starts once this worker is gone: its memory must not share pages with the next one's.
    worker.once('exit', (code) => (report ? resolve(report) : reject(new Error(`the ${isolation} worker exited with code ${code} before reporting`))));
  });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

const mb = (mib: number) => `${mib.toFixed(0)} MB`;
const ms = (value: number) => (value >= 1000 ? `${(value / 1000).toFixed(1)} s` : `${value.toFixed(0)} ms`);

function table(coroutine: ModeReport, processes: ModeReport, sessions: number): string {
  const rows: Array<[string, (report: ModeReport) => string]> = [
    ['calls answered by their agent', (r) => `${r.result.answered}/${r.result.sessions}`],
    ['calls ended cleanly', (r) => `${r.result.succeeded}/${r.result.sessions}`],
    ['memory before the calls (PSS)', (r) => mb(r.idleMiB)],
    [`memory, ${sessions} calls live (PSS)`, (r) => mb(r.inCallMiB)],
    ['memory per call (total / calls)', (r) => mb(r.inCallMiB / sessions)],
    ['memory per call (added / calls)', (r) => mb((r.inCallMiB - r.idleMiB) / sessions)],
    ['session start p50', (r) => ms(percentile(r.result.startLatenciesMs, 50))],
    ['session start p99', (r) => ms(percentile(r.result.startLatenciesMs, 99))],
    ['prewarms (VAD + turn detector)', (r) => String(r.result.prewarmCount)],
    ['processes (worker + children)', (r) => String(r.processes)],
    ['wall time of the run', (r) => `${r.startSeconds.toFixed(1)} s`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const column = 12;
  return [
    `  ${''.padEnd(width)}  ${'coroutine'.padStart(column)}  ${'process'.padStart(column)}`,
    ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value(coroutine).padStart(column)}  ${value(processes).padStart(column)}`),
  ].join('\n');
}

if (process.argv.includes('--live')) {
  const { runLiveDemo } = await import('./live-demo.js');
  await runLiveDemo(process.argv.slice(2));
  process.exit();
}
const sessions = sessionsArgument(process.argv.slice(2));
console.log(
  [
    `OpenRTC demo: the sample app's agents (restaurant, dental) serving ${sessions} simulated calls in one worker,`,
    'once per isolation mode. No LiveKit server, no API keys.',
    '  real:     AgentSession per call, the prewarmed VAD hearing assets/short-speech-16k.wav,',
    '            the bundled audio turn detector, the agents\' function tools and their injected services,',
    '            per-call DI scope',
    '  scripted: STT (a fixed line per agent), LLM (follows a call script, calling the real tools),',
    '            TTS (a tone per word; a simulated call has no room, so nothing plays it)',
    '',
  ].join('\n'),
);
const coroutine = await runMode('coroutine', sessions);
const processes = await runMode('process', sessions);
console.log(`\n${table(coroutine, processes, sessions)}\n`);
const ratio = processes.inCallMiB / coroutine.inCallMiB;
console.log(`  memory ratio: process isolation uses ${ratio.toFixed(1)}x the memory of coroutine isolation for ${sessions} calls.`);
console.log('  process isolation gives each call its own child process (node, @livekit/agents, the app, the VAD),');
console.log(`  and each child needs about 3 s of CPU to boot, ${availableParallelism()} at a time here (one per CPU): that is its session start latency.`);
const bookings = coroutine.result.bookings;
if (bookings) console.log(`  coroutine calls booked ${bookings.tables} table(s) and ${bookings.appointments} appointment(s) through the agents' tools.`);
const failed = [coroutine, processes].some(({ result }) => result.succeeded < sessions || result.answered < sessions);
if (failed) {
  console.log('  some calls were not answered or did not end cleanly: see the errors above.');
  process.exitCode = 1;
}
