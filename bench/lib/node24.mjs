// Node 24 LTS for the benchmarks' workers, side by side with the machine's Node: the npm registry's
// `node` package (the official binary), installed into the git-ignored cache as .ci/run does.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const DIR = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), '.cache/node24');
const BINARY = join(DIR, 'node_modules/node/bin/node');

/** The Node 24 binary's path, installing it on first use. */
export function node24(log = () => undefined) {
  if (existsSync(BINARY)) return BINARY;
  log('installing Node 24 LTS from the npm registry into .cache/node24');
  const npm = spawnSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--no-package-lock', '--prefix', DIR, 'node@24'], { stdio: 'ignore', timeout: 300_000 });
  if (npm.status !== 0 || !existsSync(BINARY)) throw new Error('could not install Node 24: npm install --prefix .cache/node24 node@24 failed');
  return BINARY;
}

/** `node -v` of a binary. */
export function nodeVersion(binary) {
  return spawnSync(binary, ['-v'], { encoding: 'utf8' }).stdout.trim();
}
