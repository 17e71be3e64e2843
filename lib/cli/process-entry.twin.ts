import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { writeProcessEntry as WriteProcessEntry } from '../runtime/process/process-entry.file.js';
import type { AppModuleLoader } from './app-module.loader.js';

const ENTRY_FILE = 'runtime/process/process-entry.file.js';

/**
 * `writeProcessEntry` from the copy of this package the app uses, in the app's module format: the
 * entry it writes loads that copy, so the agent it defines shares the app's DI and @livekit/agents.
 * Falls back to this CLI's own build of that format.
 */
export async function loadWriteProcessEntry(loader: AppModuleLoader): Promise<typeof WriteProcessEntry> {
  let file: string | undefined;
  try {
    file = join(dirname(loader.resolve('@openrtc/nestjs')), ENTRY_FILE);
  } catch {
    // the app does not import the package by name (e.g. a relative path to a build): use ours
  }
  if (!file || !existsSync(file)) file = join(ownDistDir(), loader.format, ENTRY_FILE);
  const mod = loader.format === 'cjs' ? createRequire(import.meta.url)(file) : await import(pathToFileURL(file).href);
  return mod.writeProcessEntry;
}

/** `dist/` of this package, from dist/<format>/cli/ (or from lib/cli/ when run from the TypeScript source). */
function ownDistDir(): string {
  const here = fileURLToPath(import.meta.url);
  return here.endsWith('.ts') ? join(dirname(here), '../../dist') : join(dirname(here), '../..');
}
