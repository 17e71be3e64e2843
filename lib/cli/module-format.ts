import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export type ModuleFormat = 'esm' | 'cjs';

/** `.mjs`/`.cjs` decide; otherwise the nearest package.json's `type`. */
export function moduleFormat(file: string): ModuleFormat {
  if (file.endsWith('.mjs')) return 'esm';
  if (file.endsWith('.cjs')) return 'cjs';
  const own = ownPackage(file);
  return own?.type === 'module' ? 'esm' : 'cjs';
}

export function ownPackage(file: string): { dir: string; name?: string; type?: string } | undefined {
  let dir = dirname(file);
  for (;;) {
    const path = join(dir, 'package.json');
    if (existsSync(path)) {
      try {
        const pkg = JSON.parse(readFileSync(path, 'utf8')) as { name?: string; type?: string };
        return { dir, name: pkg.name, type: pkg.type };
      } catch {
        return { dir };
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

const CONDITIONS = new Set(['node', 'import', 'default', 'module-sync']);

/** node's `exports` lookup for one subpath with the import conditions (no patterns beyond `./*`). */
export function exportsEntry(exports: unknown, subpath: string): string | undefined {
  const isConditions = (value: object) => Object.keys(value).every((key) => !key.startsWith('.'));
  let target: unknown = exports;
  if (typeof exports === 'string' || Array.isArray(exports) || (exports && typeof exports === 'object' && isConditions(exports))) {
    if (subpath !== '.') return undefined;
  } else if (exports && typeof exports === 'object') {
    const map = exports as Record<string, unknown>;
    target = map[subpath];
    if (target === undefined) {
      const wildcard = Object.keys(map).find((key) => key.endsWith('*') && subpath.startsWith(key.slice(0, -1)));
      if (!wildcard) return undefined;
      const star = subpath.slice(wildcard.length - 1);
      return pick(map[wildcard])?.replace('*', star);
    }
  }
  return pick(target);
}

function pick(target: unknown): string | undefined {
  if (typeof target === 'string') return target;
  if (Array.isArray(target)) return target.map(pick).find(Boolean);
  if (target && typeof target === 'object') {
    for (const [condition, value] of Object.entries(target)) {
      if (CONDITIONS.has(condition)) {
        const found = pick(value);
        if (found) return found;
      }
    }
  }
  return undefined;
}
