import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;

const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? files(join(dir, entry.name)) : entry.name.endsWith('.js') ? [join(dir, entry.name)] : []));

/** The package name of every bare specifier a built file imports, requires or import()s. */
function bareImports(file: string): string[] {
  const code = readFileSync(file, 'utf8');
  const specifiers = [...code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm)].map((match) => match[1]!);
  return specifiers
    .filter((specifier) => !specifier.startsWith('.') && !specifier.startsWith('/') && !specifier.startsWith('node:') && !builtinModules.includes(specifier))
    .map((specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/'));
}

describe('every package dist/ imports is declared in package.json', () => {
  it('as a dependency or a peer (a strict install, e.g. pnpm, sees nothing else)', () => {
    const built = [...files(join(root, 'dist/esm')), ...files(join(root, 'dist/cjs'))];
    expect(built.length).toBeGreaterThan(50);
    const imported = [...new Set(built.flatMap(bareImports))].sort();
    const declared = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]);
    expect(imported).toEqual(expect.arrayContaining(['@livekit/agents', '@livekit/protocol', '@nestjs/common']));
    expect(imported.filter((name) => !declared.has(name))).toEqual([]);
  });

  it('the Silero and turn-detector plugins are optional peers: only their options load them', () => {
    expect(pkg.peerDependenciesMeta).toEqual(expect.objectContaining({
      '@livekit/agents-plugin-silero': { optional: true },
      '@livekit/agents-plugin-livekit': { optional: true },
    }));
  });
});
