import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AppTarget } from './app-target.js';
import { CliError } from './cli.error.js';
import { exportsEntry, moduleFormat, ownPackage, type ModuleFormat } from './module-format.js';

/**
 * Loads the user's app and the libraries the CLI drives it with (@nestjs/core, @livekit/agents, this
 * package) the way the app itself loads them: resolved from the app's location, in the app's module
 * format. A CommonJS app booted with the ESM copy of @nestjs/core or @livekit/agents would see two
 * copies of each (two DI containers, two JobContext storages, `instanceof voice.Agent` failing).
 */
export class AppModuleLoader {
  readonly format: ModuleFormat;
  private readonly require: NodeJS.Require;

  constructor(readonly target: AppTarget) {
    this.format = moduleFormat(target.path);
    this.require = createRequire(target.path);
  }

  /** The app file's exports. */
  async loadApp(): Promise<Record<string, unknown>> {
    const { path, display } = this.target;
    try {
      return this.format === 'cjs' ? this.require(path) : await import(pathToFileURL(path).href);
    } catch (error) {
      throw new CliError(`Cannot load the app module ${display.split('#')[0]}: ${firstLine(error)}`);
    }
  }

  /** The app's root module class: the named export, or an error that lists what the file exports. */
  async loadRootModule(): Promise<Function> {
    const exports = await this.loadApp();
    const { exportName, display } = this.target;
    const file = display.split('#')[0];
    const value = exports[exportName] ?? (this.format === 'esm' ? (exports.default as Record<string, unknown> | undefined)?.[exportName] : undefined);
    if (value === undefined) {
      const names = Object.keys(exports).filter((name) => name !== 'default' && name !== '__esModule');
      throw new CliError(
        `${file} has no export '${exportName}' (it exports: ${names.join(', ') || 'nothing'}). Name the root module after '#': --app ${file}#<ExportName>.`,
        2,
      );
    }
    if (typeof value !== 'function') {
      throw new CliError(`Export '${exportName}' of ${file} is not a Nest module class (got a ${typeof value}). Point --app at the root module: --app ${file}#AppModule.`, 2);
    }
    return value;
  }

  /** A library as the app would import it (same copy, same format). */
  async load<T = Record<string, any>>(specifier: string): Promise<T> {
    try {
      if (this.format === 'cjs') return this.require(specifier) as T;
      return (await import(pathToFileURL(this.resolveEsm(specifier)).href)) as T;
    } catch (error) {
      if (error instanceof CliError) throw error;
      const code = (error as { code?: string }).code;
      if (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') {
        throw new CliError(`${specifier} is not installed where the app is (${dirname(this.target.path)}): npm install ${specifier}`);
      }
      throw error;
    }
  }

  /** The file `specifier` resolves to for the app (CommonJS resolution or the package's `import` entry). */
  resolve(specifier: string): string {
    return this.format === 'cjs' ? this.require.resolve(specifier) : this.resolveEsm(specifier);
  }

  /** Resolves a bare package name with the `import` condition, as node would from the app's file. */
  private resolveEsm(specifier: string): string {
    const [scopeOrName, maybeName, ...subpath] = specifier.split('/');
    const name = scopeOrName!.startsWith('@') ? `${scopeOrName}/${maybeName}` : scopeOrName!;
    const rest = (scopeOrName!.startsWith('@') ? subpath : [maybeName, ...subpath]).filter(Boolean).join('/');
    for (const dir of this.packageDirs(name)) {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { exports?: unknown; module?: string; main?: string };
      const entry = pkg.exports !== undefined ? exportsEntry(pkg.exports, rest ? `./${rest}` : '.') : rest || pkg.main || 'index.js';
      if (entry) return resolve(dir, entry);
    }
    const error = new Error(`Cannot find package '${specifier}'`) as Error & { code: string };
    error.code = 'ERR_MODULE_NOT_FOUND';
    throw error;
  }

  /** Package directories named `name` that node would consider from the app (its own package first: self-reference). */
  private packageDirs(name: string): string[] {
    const dirs: string[] = [];
    const own = ownPackage(this.target.path);
    if (own && own.name === name) dirs.push(own.dir);
    for (const base of this.require.resolve.paths(name) ?? []) {
      const dir = join(base, name);
      if (existsSync(join(dir, 'package.json'))) dirs.push(dir);
    }
    return dirs;
  }
}

function firstLine(error: unknown): string {
  const message = (error as Error)?.message ?? String(error);
  return message.split('\n').find((line) => line.trim() !== '')?.trim() ?? 'unknown error';
}
