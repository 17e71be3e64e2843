import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP, CJS_APP, ROOT, assertBuilt, cleanEnv, lines, runCli } from './cli-process.js';

// `openrtc download-files` loads the app (plugins it imports register themselves), then every
// @livekit/agents-plugin-* installed next to it, and runs each registered plugin's download step.
// The fixture apps import a marker plugin whose step writes a file. The turn-detector plugin's step
// downloads from Hugging Face: without network it fails, and the command says so (exit 1).
describe('openrtc download-files', () => {
  let dir: string;
  beforeAll(() => {
    assertBuilt();
    dir = mkdtempSync(join(tmpdir(), 'openrtc-download-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The plugins whose step ran, from the CLI's lines; and the outcome line. */
  function report(stderr: string): { ran: string[]; failed?: string } {
    const own = lines(stderr).filter((line) => line.startsWith('openrtc: '));
    return {
      ran: own.map((line) => /^openrtc: downloading files for (.+) \(/.exec(line)?.[1]).filter((title): title is string => !!title),
      failed: own.find((line) => line.startsWith('openrtc: Downloading failed')),
    };
  }

  function expectOutcome(code: number | null, failed: string | undefined): void {
    // With network every step succeeds; without it only the turn detector's (it alone downloads).
    if (code === 0) expect(failed).toBeUndefined();
    else expect(failed).toMatch(/^openrtc: Downloading failed for 1 plugin\(s\): turn-detector: .*Check the network and run 'openrtc download-files' again\.$/);
  }

  it.each([
    ['an ESM app', APP, 'marker (esm)', 'esm'],
    ['a CommonJS app (the plugin registers with the CommonJS @livekit/agents)', CJS_APP, 'marker (cjs)', 'cjs'],
  ])('runs the step of every plugin: %s', async (_what, app, marker, mark) => {
    const file = join(dir, `${mark}.txt`);
    const { code, stdout, stderr } = await runCli(['download-files', '--app', app, '--log-level', 'fatal'], { env: cleanEnv({ CLI_TEST_MARKER: file }) });
    const { ran, failed } = report(stderr);
    expect(ran).toEqual([marker, 'turn-detector', 'silero']);
    expect(readFileSync(file, 'utf8')).toBe(`${mark}\n`);
    expectOutcome(code, failed);
    expect(stdout).not.toMatch(/Error|at .*\(/);
  });

  it('loads a CommonJS app and its plugins without the ESM copy of @livekit/agents', async () => {
    const log = join(dir, 'esm-loads.log');
    const { stderr } = await runCli(['download-files', '--app', CJS_APP, '--log-level', 'fatal'], {
      nodeArgs: ['--import', join(ROOT, 'test/smoke/probes/track-esm-loads.mjs')],
      env: cleanEnv({ OPENRTC_PROBE_ESM_LOG: log, CLI_TEST_MARKER: join(dir, 'probe.txt') }),
    });
    expect(report(stderr).ran).toContain('silero');
    let esmLoads: string[] = [];
    try {
      esmLoads = readFileSync(log, 'utf8').split('\n').filter((url) => url && !url.endsWith('.cjs'));
    } catch {
      // no ESM file of @livekit/agents was loaded at all: the log was never written
    }
    expect(esmLoads).toEqual([]);
  });
});
