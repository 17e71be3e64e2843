// `npm run bench [-- density|throughput|latency] [--tiny] [--out DIR]`: runs the benchmarks on the
// built package, prints Markdown tables, writes <out>/<date>-<host>.json and one SVG per sweep.
// Benchmarks report numbers; they never judge them. --tiny (or OPENRTC_BENCH_TINY=1) runs each
// at a token size, for the smoke test.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describeMachine } from './lib/machine.mjs';
import { snapshotPackage } from './lib/package-snapshot.mjs';
import { writeRepeatedSpeech } from './lib/speech.mjs';
import { density } from './suites/density.mjs';
import { latency } from './suites/latency.mjs';
import { throughput } from './suites/throughput.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// Order matters: density runs last because its process-mode sweep is cut to the time left.
const SUITES = { throughput, latency, density };
// The whole run (with the build before it) stays under 10 minutes on the 2-core reference machine.
const BUDGET_MS = { full: 540_000, tiny: 240_000 };

function parseArgs(argv) {
  const args = { suites: [], tiny: process.env.OPENRTC_BENCH_TINY === '1', out: process.env.OPENRTC_BENCH_OUT ?? join(ROOT, 'bench/results') };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--tiny') args.tiny = true;
    else if (argv[i] === '--out') args.out = resolve(argv[++i]);
    else if (argv[i] === 'all') args.suites.push(...Object.keys(SUITES));
    else if (argv[i] in SUITES) args.suites.push(argv[i]);
    else throw new Error(`Unknown benchmark '${argv[i]}'. Use: npm run bench -- [all|${Object.keys(SUITES).join('|')}] [--tiny] [--out DIR]`);
  }
  if (args.suites.length === 0) args.suites = Object.keys(SUITES);
  return args;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const started = new Date();
  const machine = describeMachine(ROOT);
  const snapshot = snapshotPackage(ROOT);
  const log = (line) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0)}s] ${line}\n`);
  const results = {};
  const charts = [];
  let failed = false;
  let defaultVad;
  try {
    ({ vad: defaultVad } = (await import(pathToFileURL(join(snapshot.dir, 'esm/options/options.defaults.js')).href)).OPENRTC_DEFAULTS);
    const longAudio = join(snapshot.dir, 'speech-x8.wav');
    writeRepeatedSpeech(join(ROOT, 'assets/speech-16k.wav'), 8, longAudio); // 44.8 s: outlasts launch, warm-up and window
    const ctx = {
      tiny: args.tiny,
      audio: join(ROOT, 'assets/speech-16k.wav'),
      longAudio,
      defaultVad,
      env: { OPENRTC_BENCH_PACKAGE: snapshot.entry },
      deadline: started.getTime() + (args.tiny ? BUDGET_MS.tiny : BUDGET_MS.full),
      log,
    };
    for (const name of Object.keys(SUITES).filter((s) => args.suites.includes(s))) {
      try {
        const { result, tables, charts: svgs } = await SUITES[name](ctx);
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
  const stem = `${started.toISOString().slice(0, 10)}-${machine.host}`;
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
  process.stdout.write(`\nwrote ${[json, ...files].join(', ')} in ${report.durationSeconds} s\n`);
  process.exitCode = failed ? 1 : 0;
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exitCode = 1;
});
