import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as sourceApi from '@openrtc/nestjs';

// `npm test` builds dist/ before jest runs; these specs load the built package in child `node`
// processes, as a CommonJS app and as an ESM app would.
const root = fileURLToPath(new URL('../../', import.meta.url));
const probes = join(root, 'test/smoke/probes');
const run = promisify(execFile);

/** Files of @livekit/agents a process loaded, per module format. */
interface Loaded {
  cjsAgentsFiles: string[];
  esmAgentsFiles: string[];
}

interface ProbeResult {
  entry: string;
  names: string[];
  agents: string[];
  /** After building the app context. */
  loaded: Loaded;
  /** After `pool.start({ connect: false })`, whose prewarm loads the Silero plugin. */
  loadedAfterStart: Loaded;
}

async function probe(file: string): Promise<ProbeResult> {
  const dir = mkdtempSync(join(tmpdir(), 'openrtc-probe-'));
  try {
    const env: Record<string, string | undefined> = { ...process.env };
    // Not jest's flags, and no OpenRTC or LiveKit settings from the machine.
    for (const name of Object.keys(env)) if (name === 'NODE_OPTIONS' || /^(OPENRTC|LIVEKIT)_/.test(name)) delete env[name];
    env.OPENRTC_PROBE_ESM_LOG = join(dir, 'esm-loads.log');
    const { stdout } = await run(process.execPath, ['--import', join(probes, 'track-esm-loads.mjs'), join(probes, file)], { cwd: root, env, timeout: 50_000 });
    return JSON.parse(stdout.trim().split('\n').pop()!) as ProbeResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const endsWith = (suffix: string) => (file: string) => file.replace(/\\/g, '/').endsWith(suffix);

describe('packaging: the built ESM and CJS entries', () => {
  let cjs: ProbeResult;
  let esm: ProbeResult;

  beforeAll(async () => {
    for (const entry of ['dist/cjs/index.js', 'dist/esm/index.js']) {
      if (!existsSync(join(root, entry))) throw new Error(`${entry} is missing: run \`npm run build\` first (\`npm test\` does).`);
    }
    [cjs, esm] = await Promise.all([probe('require-entry.cjs'), probe('import-entry.mjs')]);
  });

  it('resolve through package.json exports: require -> dist/cjs, import -> dist/esm', () => {
    expect(cjs.entry).toBe(join(root, 'dist/cjs/index.js'));
    expect(esm.entry).toBe(join(root, 'dist/esm/index.js'));
    expect(JSON.parse(readFileSync(join(root, 'dist/cjs/package.json'), 'utf8'))).toEqual({ type: 'commonjs' });
    for (const types of ['dist/cjs/index.d.ts', 'dist/esm/index.d.ts']) expect(existsSync(join(root, types))).toBe(true);
  });

  it('expose the same public names, the ones the source barrel exports', () => {
    expect(cjs.names).toEqual(esm.names);
    expect(esm.names).toEqual(Object.keys(sourceApi).sort());
    expect(esm.names).toEqual(expect.arrayContaining([
      'OpenRtcModule', 'OPENRTC_MODULE_OPTIONS', 'OPENRTC_SESSION', 'Agent', 'InjectSession', 'AgentPool',
      'AgentRoutingError', 'OpenRtcConfigError', 'OpenRtcSetupError',
    ]));
  });

  it('each discovers an @Agent() that extends voice.Agent from its own format of @livekit/agents', () => {
    expect(cjs.agents).toEqual(['front-desk']);
    expect(esm.agents).toEqual(['front-desk']);
  });

  it('require() loads @livekit/agents as CommonJS only', () => {
    expect(cjs.loaded.cjsAgentsFiles.some(endsWith('@livekit/agents/dist/index.cjs'))).toBe(true);
    expect(cjs.loaded.esmAgentsFiles).toEqual([]);
  });

  it('import() loads @livekit/agents as ESM only', () => {
    expect(esm.loaded.esmAgentsFiles.some(endsWith('@livekit/agents/dist/index.js'))).toBe(true);
    expect(esm.loaded.cjsAgentsFiles).toEqual([]);
  });

  it('an ESM app that starts the pool (prewarm loads the Silero plugin) still loads ESM only', () => {
    expect(esm.loadedAfterStart.esmAgentsFiles.length).toBeGreaterThan(esm.loaded.esmAgentsFiles.length);
    expect(esm.loadedAfterStart.cjsAgentsFiles).toEqual([]);
  });

  // KNOWN BUG, reported, not fixed here (lib/session/prewarm.ts belongs to the runtime work): the CJS
  // build keeps `import('@livekit/agents-plugin-silero')`, which loads the plugin's ESM build and with
  // it a second, ESM copy of @livekit/agents. Turn this into `it` once prewarm requires plugins in CJS.
  it('a CommonJS app that starts the pool still loads CommonJS only', () => {
    expect(cjs.loadedAfterStart.cjsAgentsFiles.some(endsWith('@livekit/agents/dist/index.cjs'))).toBe(true);
    expect(cjs.loadedAfterStart.esmAgentsFiles).toEqual([]);
  });
});
