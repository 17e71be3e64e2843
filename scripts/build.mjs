// Builds the package twice from one ESM TypeScript source: dist/esm (tsc, keeps Nest's decorator
// metadata) and dist/cjs (esbuild converts that JS output file by file to CommonJS), so a CJS app
// and an ESM app each load @livekit/agents in their own format only.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const esm = join(root, 'dist/esm');
const cjs = join(root, 'dist/cjs');
rmSync(join(root, 'dist'), { recursive: true, force: true });
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });

const files = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
for (const file of files(esm)) {
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
      // import() of a peer (a plugin, @nestjs/config) must load its CommonJS build here, not its ESM one.
      supported: { 'dynamic-import': false },
      // import.meta does not exist in CommonJS: give each file its own URL instead.
      define: { 'import.meta.url': '__openrtcFileUrl' },
      banner: { js: "const __openrtcFileUrl = require('node:url').pathToFileURL(__filename).href;" },
    });
  }
}
writeFileSync(join(cjs, 'package.json'), JSON.stringify({ type: 'commonjs' }) + '\n');
console.log('built dist/esm and dist/cjs');
