// `npm run bench [-- density|throughput|latency] [--tiny] [--out DIR] [--node 24]`: runs the
// benchmarks on the built package (their workers on this Node, or on Node 24 LTS), prints Markdown
// tables, writes <out>/<date>-<host>.json and one SVG per sweep.
// `npm run bench -- live [--variants a,b] [--calls 1,5,10,20]`: real calls through a local livekit-server (not part of
// `all`: it needs the server binary and takes minutes); writes <out>/<date>-<host>-live.json.
// Benchmarks report numbers; they never judge them. --tiny (or OPENRTC_BENCH_TINY=1) runs each
// at a token size, for the smoke test.
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describeMachine } from './lib/machine.mjs';
import { node24, nodeVersion } from './lib/node24.mjs';
import { snapshotPackage } from './lib/package-snapshot.mjs';
import { writeRepeatedSpeech, writeResampledSpeech } from './lib/speech.mjs';
import { density } from './suites/density.mjs';
import { latency } from './suites/latency.mjs';
import { live, LIVE_VARIANTS } from './suites/live.mjs';
import { throughput } from './suites/throughput.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// Order matters: density runs last because its process-mode sweep is cut to the time left.
const SUITES = { throughput, latency, density };
const SEPARATE = { live };
// The whole run (with the build before it) stays under 10 minutes on the 2-core reference machine.
const BUDGET_MS = { full: 540_000, tiny: 240_000 };
// What the throughput sweep feeds each session. 'room' is what a LiveKit room delivers to an agents-js
// 1.9 session (24 kHz, 10 ms frames; RecordedAudioInput plays a 24 kHz recording in 10 ms frames);
// 'vad-window' is the older bench's 16 kHz, 32 ms (one VAD window per frame, cheaper than any room).
const FORMATS = { room: { sampleRate: 24_000, frameMs: 10 }, 'vad-window': { sampleRate: 16_000, frameMs: 32 } };
const LIVE_BUDGET_MS = { full: 2_400_000, tiny: 120_000 };

function parseArgs(argv) {
  const args = { suites: [], variants: undefined, format: 'room', tiny: process.env.OPENRTC_BENCH_TINY === '1', out: process.env.OPENRTC_BENCH_OUT ?? join(ROOT, 'bench/results') };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--tiny') args.tiny = true;
    else if (argv[i] === '--out') args.out = resolve(argv[++i]);
    else if (argv[i] === 'all') args.suites.push(...Object.keys(SUITES));
    else if (argv[i] in SUITES || argv[i] in SEPARATE) args.suites.push(argv[i]);
    else if (argv[i] === '--format') {
      args.format = argv[++i];
      if (!(args.format in FORMATS)) throw new Error(`--format takes ${Object.keys(FORMATS).join(' or ')}; got '${args.format ?? ''}'.`);
    } else if (argv[i] === '--variants') {
      args.variants = String(argv[++i] ?? '').split(',').filter(Boolean);
      const unknown = args.variants.filter((v) => !(v in LIVE_VARIANTS));
      if (unknown.length || args.variants.length === 0) throw new Error(`--variants takes a comma-separated list of ${Object.keys(LIVE_VARIANTS).join(', ')}; got '${argv[i] ?? ''}'.`);
    } else if (argv[i] === '--node') {
      args.node = argv[++i];
      if (args.node !== '24') throw new Error(`--node takes 24 (the simulated benchmarks' workers run on Node 24 LTS; without it, on this Node); got '${args.node ?? ''}'.`);
    } else if (argv[i] === '--calls') {
      args.calls = String(argv[++i] ?? '').split(',').map(Number);
      if (args.calls.length === 0 || !args.calls.every((n) => Number.isInteger(n) && n > 0)) throw new Error(`--calls takes a comma-separated list of positive integers (calls per point), e.g. 1,5,10,20; got '${argv[i] ?? ''}'.`);
    } else throw new Error(`Unknown benchmark '${argv[i]}'. Use: npm run bench -- [all|${Object.keys(SUITES).join('|')}|live] [--tiny] [--out DIR] [--node 24] [--variants ${Object.keys(LIVE_VARIANTS).join(',')}] [--calls 1,5,10,20]`);
  }
  if (args.suites.length === 0) args.suites = Object.keys(SUITES);
  if (args.suites.includes('live') && args.suites.length > 1) throw new Error('Run the live benchmark on its own: npm run bench -- live');
  if (args.suites.includes('live') && args.node) throw new Error('--node applies to the simulated benchmarks; the live benchmark runs Node 24 as variants: --variants coroutine-node24,coroutine-16k-40ms-node24');
  return args;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const started = new Date();
  const machine = describeMachine(ROOT);
  const stem = `${started.toISOString().slice(0, 10)}-${machine.host}${args.suites.includes('live') ? '-live' : ''}${args.node ? `-node${args.node}` : ''}`;
  if (args.node === '24') {
    process.env.OPENRTC_BENCH_NODE = node24((line) => process.stderr.write(`[bench] ${line}\n`));
    machine.workerNode = nodeVersion(process.env.OPENRTC_BENCH_NODE);
  }
  const snapshot = snapshotPackage(ROOT);
  const log = (line) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0)}s] ${line}\n`);
  const results = {};
  const charts = [];
  let failed = false;
  let defaultVad;
  try {
    ({ vad: defaultVad } = (await import(pathToFileURL(join(snapshot.dir, 'esm/options/options.defaults.js')).href)).OPENRTC_DEFAULTS);
    const longAudio = join(snapshot.dir, 'speech-x8.wav');
    const format = { name: args.format, ...FORMATS[args.format] };
    let speech = join(ROOT, 'assets/speech-16k.wav');
    if (format.sampleRate !== 16_000) {
      speech = join(snapshot.dir, `speech-${format.sampleRate / 1000}k.wav`);
      writeResampledSpeech(join(ROOT, 'assets/speech-16k.wav'), format.sampleRate, speech);
    }
    writeRepeatedSpeech(speech, 8, longAudio); // 44.8 s: outlasts launch, warm-up and window
    const ctx = {
      tiny: args.tiny,
      audio: join(ROOT, 'assets/speech-16k.wav'),
      longAudio,
      format,
      defaultVad,
      env: { OPENRTC_BENCH_PACKAGE: snapshot.entry },
      deadline: started.getTime() + (args.tiny ? BUDGET_MS.tiny : BUDGET_MS.full),
      liveDeadline: started.getTime() + (args.tiny ? LIVE_BUDGET_MS.tiny : LIVE_BUDGET_MS.full),
      liveVariants: args.variants,
      liveCalls: args.calls,
      // The live run takes long: each point is appended to <out>/<stem>.partial.jsonl as it ends.
      checkpoint: (point) => {
        mkdirSync(args.out, { recursive: true });
        appendFileSync(join(args.out, `${stem}.partial.jsonl`), `${JSON.stringify(point)}\n`);
      },
      log,
    };
    const all = { ...SUITES, ...SEPARATE };
    for (const name of Object.keys(all).filter((s) => args.suites.includes(s))) {
      try {
        const { result, tables, charts: svgs } = await all[name](ctx);
        results[name] = result;
        for (const { title, markdown } of tables) process.stdout.write(`\n### ${title}\n\n${markdown}\n`);
        charts.push(...svgs);
      } catch (error) {
        failed = true;
        results[name] = { error: error?.stack ?? String(error) };
        log(`${name} failed: ${error?.message ?? error}`);
      }
    }
  } finally {
    snapshot.remove();
  }
  const finished = new Date();
  mkdirSync(args.out, { recursive: true });
  const files = charts.map(({ name, svg }) => {
    const file = join(args.out, `${stem}-${name}.svg`);
    writeFileSync(file, svg);
    return file;
  });
  const report = {
    schema: 1,
    tiny: args.tiny,
    startedAt: started.toISOString(),
    durationSeconds: Math.round((finished - started) / 1000),
    machine,
    defaultVad,
    suites: results,
    charts: files.map((file) => file.slice(args.out.length + 1)),
  };
  const json = join(args.out, `${stem}.json`);
  writeFileSync(json, JSON.stringify(report, null, 2) + '\n');
  rmSync(join(args.out, `${stem}.partial.jsonl`), { force: true });
  process.stdout.write(`\nwrote ${[json, ...files].join(', ')} in ${report.durationSeconds} s\n`);
  process.exitCode = failed ? 1 : 0;
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exitCode = 1;
});
