// Builds the package twice from one ESM TypeScript source: dist/esm (tsc, keeps Nest's decorator
// metadata) and dist/cjs (esbuild converts that JS output file by file to CommonJS), so a CJS app
// and an ESM app each load @livekit/agents in their own format only. Then the sample app and the
// demo (dist-sample), which import the package by name. `--if-stale`: do nothing when no source
// changed since the last build (the demo and sample scripts run it; `npm ci` builds via prepare).
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const esm = join(root, 'dist/esm');
const cjs = join(root, 'dist/cjs');
const stamp = join(root, 'dist-sample/.built');
const tsc = (project) => execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, project)], { stdio: 'inherit' });

// A folder and everything in it, folders included: deleting or renaming a file changes its
// folder's time, not any file's, so the stale check reads folders too.
const entries = (dir) => [dir, ...readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? entries(join(dir, e.name)) : [join(dir, e.name)]))];
const sources = [
  ...['lib', 'sample', 'scripts'].flatMap((dir) => entries(join(root, dir))),
  ...['package.json', 'tsconfig.json', 'tsconfig.build.json', 'tsconfig.sample.json'].map((file) => join(root, file)),
];
const newestSource = Math.max(...sources.map((file) => statSync(file).mtimeMs));
// The stamp holds the newest source time the last build saw, so an edit made during a build counts.
if (process.argv.includes('--if-stale') && existsSync(stamp) && Number(readFileSync(stamp, 'utf8')) >= newestSource) {
  console.log('build is up to date (dist, dist-sample)');
  process.exit(0);
}

rmSync(join(root, 'dist'), { recursive: true, force: true });
rmSync(join(root, 'dist-sample'), { recursive: true, force: true });
tsc('tsconfig.build.json');
for (const file of entries(esm).filter((path) => path.endsWith('.js') || path.endsWith('.d.ts'))) {
  const target = join(cjs, relative(esm, file));
  mkdirSync(dirname(target), { recursive: true });
  if (file.endsWith('.d.ts')) {
    copyFileSync(file, target);
  } else if (file.endsWith('.js')) {
    buildSync({
      entryPoints: [file],
      outfile: target,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      bundle: false,
      logLevel: 'error',
      // Maps back to lib/*.ts through tsc's map of the input (the coverage report reads them).
      sourcemap: true,
      // import() of a peer (a plugin, @nestjs/config) must load its CommonJS build here, not its ESM one.
      supported: { 'dynamic-import': false },
      // import.meta does not exist in CommonJS: give each file its own URL instead.
      define: { 'import.meta.url': '__openrtcFileUrl' },
      banner: { js: "const __openrtcFileUrl = require('node:url').pathToFileURL(__filename).href;" },
    });
  }
}
writeFileSync(join(cjs, 'package.json'), JSON.stringify({ type: 'commonjs' }) + '\n');
tsc('tsconfig.sample.json');
writeFileSync(stamp, `${newestSource}\n`);
console.log('built dist/esm, dist/cjs and dist-sample');
