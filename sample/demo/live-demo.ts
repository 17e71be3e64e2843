// `npm run demo -- --live [--calls N]`: the sample worker against a real livekit-server on loopback
// (started, and stopped, by scripts/livekit-server.mjs), with N real callers (WebRTC participants,
// each its own process) that listen to the greeting, speak a recording, and listen to the answer.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CallerHandle } from '../../scripts/live-caller.mjs';
import type { LiveKitServer } from '../../scripts/livekit-server.mjs';
import { treePss } from './process-memory.js';

// Built into dist-sample/sample/demo/: the project root is three folders up.
const ROOT = new URL('../../../', import.meta.url);
const CLI = fileURLToPath(new URL('dist/esm/cli/main.js', ROOT));
const APP = fileURLToPath(new URL('dist-sample/sample/src/app.module.js', ROOT));
const SCRIPTED = Object.fromEntries(['RESTAURANT', 'DENTAL'].flatMap((agent) => ['STT', 'LLM', 'TTS'].map((model) => [`${agent}_${model}`, 'scripted'])));
const AGENTS = ['restaurant', 'dental'];
const STEP_TIMEOUT_MS = 60_000;

interface CallReport {
  room: string;
  transcript: Array<{ speaker: string; text: string }>;
  replyMs?: number;
  error?: string;
}

function callsArgument(argv: string[]): number {
  const index = argv.findIndex((arg) => arg === '--calls' || arg.startsWith('--calls='));
  if (index === -1) return 4;
  const raw = argv[index]!.includes('=') ? argv[index]!.split('=')[1] : argv[index + 1];
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 20) {
    process.stderr.write(`demo --live: --calls must be a whole number from 1 to 20, got '${raw ?? ''}'.\n`);
    process.exit(2);
  }
  return value;
}

/** One call: hear the greeting, speak, hear the answer; the caller stays until `hangUp` resolves. */
async function runCall(caller: CallerHandle, room: string, answered: () => void, hangUp: Promise<void>): Promise<CallReport> {
  const report: CallReport = { room, transcript: [] };
  try {
    await caller.waitFor('transcription', (e) => e.speaker === 'agent', STEP_TIMEOUT_MS);
    await caller.waitFor('agent-audio-end', undefined, STEP_TIMEOUT_MS);
    const { endedAt } = await caller.speak();
    const greetings = caller.all('transcription', (e) => e.speaker === 'agent').length;
    await caller.waitFor('transcription', (e) => e.speaker === 'agent' && caller.all('transcription', (t) => t.speaker === 'agent').indexOf(e) >= greetings, STEP_TIMEOUT_MS);
    const heard = await caller.waitFor('agent-audio', (e) => e.at > endedAt, STEP_TIMEOUT_MS);
    report.replyMs = heard.at - endedAt;
  } catch (error) {
    report.error = (error as Error).message.split('. Events')[0];
  }
  answered();
  await hangUp;
  // Upstream sends the caller's transcript as an interim stream and a final one: show each line once.
  report.transcript = caller.all('transcription').map((e) => ({ speaker: e.speaker, text: e.text })).filter((line, i, all) => i === 0 || line.text !== all[i - 1]!.text || line.speaker !== all[i - 1]!.speaker);
  await caller.leave();
  return report;
}

export async function runLiveDemo(argv: string[]): Promise<void> {
  const calls = callsArgument(argv);
  const { startLiveKitServer, LiveKitServerUnavailableError } = (await import(new URL('scripts/livekit-server.mjs', ROOT).href)) as typeof import('../../scripts/livekit-server.mjs');
  const { startCaller } = (await import(new URL('scripts/live-caller.mjs', ROOT).href)) as typeof import('../../scripts/live-caller.mjs');
  console.log(`OpenRTC live demo: the sample app's agents (restaurant, dental) in one worker, on a real LiveKit server, ${calls} real callers.`);
  let server: LiveKitServer;
  try {
    server = await startLiveKitServer();
  } catch (error) {
    if (error instanceof LiveKitServerUnavailableError) {
      process.stderr.write(`demo --live: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  console.log(`  livekit-server on ${server.url} (loopback, keys made for this run)`);
  const env: NodeJS.ProcessEnv = { ...process.env, ...SCRIPTED, LIVEKIT_URL: server.url, LIVEKIT_API_KEY: server.apiKey, LIVEKIT_API_SECRET: server.apiSecret, OPENRTC_ISOLATION: 'coroutine', LIVEKIT_LOG_LEVEL: 'error', NODE_ENV: 'production' };
  delete env.OPENRTC_AGENT_NAME; // automatic dispatch: rooms are routed by their name
  const worker = spawn(process.execPath, [CLI, 'start', '--app', APP], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let workerOutput = '';
  worker.stdout!.on('data', (chunk) => (workerOutput += chunk));
  worker.stderr!.on('data', (chunk) => (workerOutput += chunk));
  const workerExit = new Promise<number | null>((resolve) => worker.once('exit', (code) => resolve(code)));
  const callers: CallerHandle[] = [];
  try {
    const deadline = Date.now() + 120_000;
    while (!/registered with/.test(workerOutput)) {
      if (worker.exitCode !== null || Date.now() > deadline) throw new Error(`the worker did not register:\n${workerOutput.slice(-2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const idle = treePss(worker.pid!);
    console.log(`  worker registered (coroutine isolation): ${idle.mib.toFixed(0)} MB PSS idle, ${idle.processes} processes\n`);
    const rooms = Array.from({ length: calls }, (_, i) => `${AGENTS[i % AGENTS.length]}-${i + 1}`);
    let answeredCount = 0;
    let releaseAll!: () => void;
    const hangUp = new Promise<void>((resolve) => (releaseAll = resolve));
    let allAnsweredNow!: () => void;
    const allAnswered = new Promise<void>((resolve) => (allAnsweredNow = resolve));
    // Answered (or given up): once every call is, memory is read with all of them live, then they hang up.
    const answered = () => {
      if (++answeredCount === calls) allAnsweredNow();
    };
    const reports = await Promise.all([
      ...rooms.map(async (room) => {
        const caller = await startCaller({ server, room });
        callers.push(caller);
        return runCall(caller, room, answered, hangUp);
      }),
      allAnswered.then(() => {
        const live = treePss(worker.pid!);
        console.log(`  all ${calls} calls answered; worker memory with ${calls} calls live: ${live.mib.toFixed(0)} MB PSS (${((live.mib - idle.mib) / calls).toFixed(0)} MB added per call)\n`);
        releaseAll();
      }),
    ]).then((results) => results.slice(0, calls) as CallReport[]);
    for (const report of reports) {
      console.log(`  ${report.room}: reply ${report.replyMs !== undefined ? `${Math.round(report.replyMs)} ms after the caller stopped speaking` : `missing (${report.error})`}`);
      for (const line of report.transcript) console.log(`    ${line.speaker.padEnd(6)} ${line.text}`);
    }
    const ok = reports.filter((report) => report.replyMs !== undefined).length;
    const latencies = reports.flatMap((report) => (report.replyMs !== undefined ? [report.replyMs] : [])).sort((a, b) => a - b);
    console.log(`\n  ${ok}/${calls} calls answered; reply latency (end of caller speech -> first agent audio) min ${Math.round(latencies[0] ?? 0)} ms, max ${Math.round(latencies.at(-1) ?? 0)} ms`);
    if (ok < calls) process.exitCode = 1;
  } finally {
    await Promise.all(callers.map((caller) => caller.kill()));
    worker.kill('SIGTERM');
    await workerExit;
    await server.stop();
    console.log('  stopped the callers, the worker and the server.');
  }
}
