import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportsEntry, moduleFormat, ownPackage } from '../../lib/cli/module-format.js';

// How the CLI decides an app's module format and resolves a package's `exports` the way node's
// ESM loader does for it, on real files.
describe('moduleFormat / ownPackage', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'openrtc-format-'));
    for (const [name, pkg] of [['esm', '{"name":"esm-app","type":"module"}'], ['cjs', '{"name":"cjs-app"}'], ['broken', '{ not json']] as const) {
      mkdirSync(join(dir, name, 'dist'), { recursive: true });
      writeFileSync(join(dir, name, 'package.json'), pkg);
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('.mjs and .cjs decide by themselves, whatever the package says', () => {
    expect(moduleFormat(join(dir, 'cjs/dist/app.mjs'))).toBe('esm');
    expect(moduleFormat(join(dir, 'esm/dist/app.cjs'))).toBe('cjs');
  });

  it('.js follows the nearest package.json: "type": "module" is ESM, anything else CommonJS', () => {
    expect(moduleFormat(join(dir, 'esm/dist/app.js'))).toBe('esm');
    expect(moduleFormat(join(dir, 'cjs/dist/app.js'))).toBe('cjs');
  });

  it('reads the nearest package.json, and a malformed one still marks the package root, read as CommonJS', () => {
    expect(ownPackage(join(dir, 'esm/dist/app.js'))).toEqual({ dir: join(dir, 'esm'), name: 'esm-app', type: 'module' });
    expect(ownPackage(join(dir, 'broken/dist/app.js'))).toEqual({ dir: join(dir, 'broken') });
    expect(moduleFormat(join(dir, 'broken/dist/app.js'))).toBe('cjs');
  });
});

describe('exportsEntry (the import conditions)', () => {
  it.each([
    ['a string: the root only', './index.js', '.', './index.js'],
    ['a string asked for a subpath', './index.js', './sub', undefined],
    ['conditions: import wins over require', { require: './index.cjs', import: './index.mjs' }, '.', './index.mjs'],
    ['nested conditions', { node: { import: { types: './x.d.ts', default: './node.mjs' } }, default: './any.js' }, '.', './node.mjs'],
    ['conditions that only require', { require: './index.cjs' }, '.', undefined],
    ['an array: the first that matches', [{ require: './a.cjs' }, './b.mjs'], '.', './b.mjs'],
    ['a subpath map', { '.': './index.js', './testing': { import: './testing.mjs' } }, './testing', './testing.mjs'],
    ['a subpath the map lacks', { '.': './index.js' }, './internal', undefined],
    ['a wildcard subpath', { '.': './index.js', './plugins/*': { import: './dist/plugins/*.mjs' } }, './plugins/vad', './dist/plugins/vad.mjs'],
    ['a wildcard that does not match', { './plugins/*': './dist/plugins/*.js' }, './tools/x', undefined],
    ['null', null, '.', undefined],
  ])('%s', (_what, exports, subpath, entry) => {
    expect(exportsEntry(exports, subpath)).toBe(entry);
  });
});
