import { existsSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { CliError } from './cli.error.js';

/** The app the CLI boots: a built file and the name of the root module it exports. */
export interface AppTarget {
  /** Absolute path of the built file. */
  path: string;
  exportName: string;
  /** As the user wrote it, for messages. */
  display: string;
}

export const APP_VARIABLE = 'OPENRTC_APP';
const DEFAULT_EXPORT = 'AppModule';
const EXAMPLE = '--app dist/app.module.js#AppModule';

/**
 * `--app <file>[#Export]`, else the OPENRTC_APP variable: the one way to point the CLI at an app.
 * The file is the BUILT JavaScript (node runs it as is); the export defaults to AppModule.
 */
export function resolveAppTarget(flag: string | undefined, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): AppTarget {
  const raw = (flag ?? env[APP_VARIABLE] ?? '').trim();
  const source = flag !== undefined ? '--app' : APP_VARIABLE;
  if (raw === '') {
    throw new CliError(`No app to run: pass ${EXAMPLE} (the built file that exports your root module) or set ${APP_VARIABLE}.`, 2);
  }
  const hash = raw.lastIndexOf('#');
  const file = hash === -1 ? raw : raw.slice(0, hash);
  const exportName = hash === -1 ? DEFAULT_EXPORT : raw.slice(hash + 1).trim();
  if (file === '') throw new CliError(`${source} '${raw}' names no file: ${EXAMPLE}.`, 2);
  if (!/^[A-Za-z_$][\w$]*$/.test(exportName)) {
    throw new CliError(`${source} '${raw}': '${exportName}' is no export name. Write the module class after '#': ${EXAMPLE}.`, 2);
  }
  const path = isAbsolute(file) ? file : resolve(cwd, file);
  const shown = isAbsolute(file) ? file : relative(cwd, path) || file;
  if (/\.(c|m)?tsx?$/.test(file)) {
    throw new CliError(`${source} points at TypeScript source (${shown}); node runs the built JavaScript: build the app, then pass the built file, e.g. ${EXAMPLE}.`, 2);
  }
  if (!existsSync(path)) {
    throw new CliError(`App module file not found: ${shown} (from ${source}). Build the app first, then point ${source} at the built file, e.g. ${EXAMPLE}.`, 2);
  }
  if (statSync(path).isDirectory()) {
    throw new CliError(`${source} points at a directory (${shown}); name the built file that exports the root module, e.g. ${EXAMPLE}.`, 2);
  }
  return { path, exportName, display: `${shown}#${exportName}` };
}
