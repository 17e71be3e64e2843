// Runs jest and reports the coverage of lib/ by everything the tests ran: the specs' own process
// (jest's V8 coverage of lib/*.ts) and every child process they start (the `openrtc` CLI, process
// isolation's children, fixtures and probes that load dist/), which write raw V8 coverage through
// NODE_V8_COVERAGE; dist/ maps back to lib/*.ts through its source maps. Fails below the gate.
// `npm test` runs it after the build; arguments go to jest, and with any the gate is not applied
// (a subset of the specs cannot cover the package). The whole suite runs in two passes: every spec
// but test/live on two jest workers, then test/live one file at a time. A live spec's worker, its
// callers and its livekit-server share two cores with nothing else, so its calls are not starved
// by whatever spec happens to run beside it.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { readFile, unlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import v8Coverage from '@bcoe/v8-coverage';
import libCoverage from 'istanbul-lib-coverage';
import libReport from 'istanbul-lib-report';
import reports from 'istanbul-reports';
import v8ToIstanbul from 'v8-to-istanbul';

const GATE = { lines: 90, branches: 85 };

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lib = join(root, 'lib') + sep;
const distUrl = pathToFileURL(join(root, 'dist')).href + '/';
const out = join(root, 'coverage');
const raw = join(out, 'v8');
const args = process.argv.slice(2);

rmSync(out, { recursive: true, force: true });
mkdirSync(raw, { recursive: true });

// Every process the run starts writes one raw file at exit, ~12 MB each (all of node_modules):
// while jest runs, each finished file is cut down to dist/'s scripts, merged in, and deleted.
let children = { result: [] };
const folded = new Set();
let processes = 0;
async function fold(final) {
  for (const name of readdirSync(raw)) {
    if (folded.has(name)) continue;
    const file = join(raw, name);
    let data;
    try {
      data = JSON.parse(await readFile(file, 'utf8'));
    } catch (error) {
      if (final) console.warn(`coverage: skipped ${name}, not readable raw V8 coverage (${error.message})`);
      continue; // still being written
    }
    folded.add(name);
    const result = data.result.filter((script) => script.url.startsWith(distUrl));
    if (result.length) {
      processes += 1;
      children = v8Coverage.mergeProcessCovs([children, { result }]);
    }
    await unlink(file);
  }
}
let folding = Promise.resolve();
const folder = setInterval(() => {
  folding = folding.then(() => fold(false)).catch((error) => console.warn(`coverage: folding raw V8 coverage failed: ${error.message}`));
}, 3000);

const jest = join(dirname(createRequire(import.meta.url).resolve('jest/package.json')), 'bin/jest.js');
const LIVE = '/test/live/';
const passes = args.length > 0
  ? [{ name: 'jest', args }]
  : [
      { name: 'jest', args: ['--testPathIgnorePatterns', LIVE] },
      { name: 'jest-live', args: ['--maxWorkers=1', '--testPathPatterns', 'test/live/'] },
    ];
let code = 0;
for (const pass of passes) {
  if (passes.length > 1) console.log(`\n== ${pass.name === 'jest-live' ? 'test/live, one file at a time' : 'every spec but test/live'}\n`);
  const passCode = await new Promise((resolve) => {
    const child = spawn(process.execPath, [jest, '--coverage', `--coverageDirectory=${join(out, pass.name)}`, ...pass.args], {
      stdio: 'inherit',
      env: {
        ...process.env,
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules`.trim(),
        NODE_V8_COVERAGE: raw,
      },
    });
    child.once('close', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
  });
  code ||= passCode;
}
clearInterval(folder);
await folding;
await fold(true);

// Files that hold only types compile to nothing that can run: they are not counted.
const typesOnly = (ts) => {
  try {
    const js = readFileSync(join(root, 'dist/esm', relative(lib, ts)).replace(/\.ts$/, '.js'), 'utf8');
    return js.replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '').replace('export {};', '').trim() === '';
  } catch {
    return false;
  }
};

const fromChildren = libCoverage.createCoverageMap({});
for (const script of children.result) {
  const file = fileURLToPath(script.url);
  const converter = v8ToIstanbul(file, 0, undefined, (path) => !path.startsWith(lib));
  try {
    await converter.load();
  } catch (error) {
    console.warn(`coverage: ${relative(root, file)} has no usable source map (${error.message}); not counted`);
    continue;
  }
  converter.applyCoverage(script.functions);
  fromChildren.merge(converter.toIstanbul());
}

// Each pass's in-process coverage comes from the same transform, so they merge file by file.
const jestMap = libCoverage.createCoverageMap({});
for (const pass of passes) {
  try {
    jestMap.merge(JSON.parse(readFileSync(join(out, pass.name, 'coverage-final.json'), 'utf8')));
  } catch {
    console.warn(`coverage: jest wrote no coverage (coverage/${pass.name}/coverage-final.json)`);
  }
}
const inProcess = jestMap.toJSON();
const merged = libCoverage.createCoverageMap({});
for (const file of new Set([...Object.keys(inProcess), ...fromChildren.files()])) {
  if (!file.startsWith(lib) || typesOnly(file)) continue;
  const jestFile = inProcess[file] && libCoverage.createFileCoverage(inProcess[file]);
  const childFile = fromChildren.data[file];
  // A file jest never loaded is listed by it as all-zero, from its own transform: where a child ran
  // the file, the child's mapping alone describes it (the two would not line up branch by branch).
  const jestRan = jestFile && Object.values(jestFile.s).some((hits) => hits > 0);
  if (jestRan || !childFile) merged.merge(jestFile);
  if (childFile) merged.merge(childFile);
}

const context = libReport.createContext({ dir: out, coverageMap: merged, defaultSummarizer: 'flat' });
reports.create('text', { skipFull: true, maxCols: 120 }).execute(context);
reports.create('text-summary').execute(context);
reports.create('json', { file: 'coverage-final.json' }).execute(context);
rmSync(raw, { recursive: true, force: true });

const summary = merged.getCoverageSummary();
const short = Object.entries(GATE).filter(([metric, min]) => summary[metric].pct < min);
const counted = `lines ${summary.lines.pct} %, branches ${summary.branches.pct} % of lib/ (jest's own and ${processes} processes that ran dist/)`;
if (args.length > 0) {
  console.log(`coverage: ${counted}; the gate (lines ${GATE.lines} %, branches ${GATE.branches} %) applies to the whole suite only`);
} else if (short.length > 0) {
  console.error(`coverage: ${counted} is below the gate: ${short.map(([metric, min]) => `${metric} ${summary[metric].pct} % < ${min} %`).join(', ')}`);
  process.exitCode = code || 1;
} else {
  console.log(`coverage: ${counted} passes the gate (lines ${GATE.lines} %, branches ${GATE.branches} %)`);
}
if (code !== 0) process.exitCode = code;
