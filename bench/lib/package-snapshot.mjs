// Benchmarks run on the built package (process-mode children import it with plain node). They
// run on a private copy of dist/esm: a rebuild during a run (a watch, a test run) would otherwise
// delete files under children that are still starting.
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Copies dist/esm under node_modules/.cache (resolution still finds the project's dependencies). */
export function snapshotPackage(root) {
  const source = join(root, 'dist/esm');
  if (!existsSync(join(source, 'index.js'))) throw new Error('No build in dist/esm: run `npm run build` first (`npm run bench` does).');
  const dir = join(root, 'node_modules/.cache/openrtc-bench', `dist-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(source, join(dir, 'esm'), { recursive: true });
  // Outside the project's package scope: say again that .js files here are ES modules.
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }) + '\n');
  return { entry: join(dir, 'esm/index.js'), dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
