import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DispatchDouble } from '../support/dispatch-double.js';
import { APP, ROOT, assertBuilt, cleanEnv, lines, runCli } from './cli-process.js';

// Apps the CLI cannot run, each in a real `openrtc` process: exit non-zero, ONE line on stderr that
// names the app and what to do, nothing on stdout.
describe('openrtc: an app it cannot boot exits non-zero with one line that says what to fix', () => {
  let outside: string;

  beforeAll(() => {
    assertBuilt();
    // An app built outside any project: nothing it needs resolves from there.
    outside = mkdtempSync(join(tmpdir(), 'openrtc-outside-'));
    writeFileSync(join(outside, 'app.module.mjs'), 'export class AppModule {}\n');
    writeFileSync(join(outside, 'app.module.cjs'), 'class AppModule {}\nmodule.exports = { AppModule };\n');
  });
  afterAll(() => rmSync(outside, { recursive: true, force: true }));

  const cases: Array<[string, () => string[], RegExp, number]> = [
    [
      'an app that does not import OpenRtcModule',
      () => ['list', '--app', 'test/fixtures/cli-app/plain-app.module.mjs'],
      /^openrtc: test\/fixtures\/cli-app\/plain-app\.module\.mjs#AppModule does not import OpenRtcModule .*: add OpenRtcModule\.forRoot\(\) to its imports\.$/,
      1,
    ],
    [
      'an app whose own provider throws while it boots',
      () => ['list', '--app', 'test/fixtures/cli-app/throwing-app.module.mjs'],
      /^openrtc: test\/fixtures\/cli-app\/throwing-app\.module\.mjs#AppModule failed to start: TypeError: ledger file is locked$/,
      1,
    ],
    [
      'an ESM app where @nestjs/core is not installed',
      () => ['list', '--app', join(outside, 'app.module.mjs')],
      /^openrtc: @nestjs\/core is not installed where the app is \(.+\): npm install @nestjs\/core$/,
      1,
    ],
    [
      'a CommonJS app where @nestjs/core is not installed',
      () => ['list', '--app', join(outside, 'app.module.cjs')],
      /^openrtc: @nestjs\/core is not installed where the app is \(.+\): npm install @nestjs\/core$/,
      1,
    ],
    [
      'download-files for an app where @livekit/agents is not installed',
      () => ['download-files', '--app', join(outside, 'app.module.mjs')],
      /^openrtc: @livekit\/agents is not installed where the app is \(.+\): npm install @livekit\/agents$/,
      1,
    ],
    ['--app with no file before the export', () => ['list', '--app', '#AppModule'], /^openrtc: --app '#AppModule' names no file: --app dist\/app\.module\.js#AppModule\.$/, 2],
    ['--app with an export that is no name', () => ['list', '--app', 'dist/app.module.js#1st'], /^openrtc: --app 'dist\/app\.module\.js#1st': '1st' is no export name\. Write the module class after '#'/, 2],
    ['--app naming a directory', () => ['list', '--app', 'test/fixtures'], /^openrtc: --app points at a directory \(test\/fixtures\); name the built file that exports the root module/, 2],
    ['a flag before the command', () => ['--app', 'dist/app.module.js', 'list'], /^openrtc: Flags go after the command: openrtc <command> --app \(commands: start, dev, connect, console, download-files, list, top\)\.$/, 2],
  ];

  it.each(cases)('%s', async (_what, args, message, exitCode) => {
    const { code, stdout, stderr } = await runCli(args());
    expect(lines(stderr)).toHaveLength(1);
    expect(lines(stderr)[0]).toMatch(message);
    expect(code).toBe(exitCode);
    expect(stdout).toBe('');
  });
});

describe('openrtc start: a configuration the pool refuses at start', () => {
  beforeAll(assertBuilt);

  it('exits 1 with the pool\'s own message and never registers with LiveKit', async () => {
    const double = await DispatchDouble.start({ apiKey: 'APIcli', apiSecret: 'cli-secret-0123456789abcdef' });
    try {
      const { code, stdout, stderr } = await runCli(['start', '--app', APP], {
        env: cleanEnv({
          CLI_TEST_FOR_ROOT: JSON.stringify({ agents: { dentist: { greeting: 'Greet the patient.' } } }),
          LIVEKIT_URL: double.url,
          LIVEKIT_API_KEY: 'APIcli',
          LIVEKIT_API_SECRET: 'cli-secret-0123456789abcdef',
        }),
      });
      expect(lines(stderr)).toEqual([
        "openrtc: OpenRtcModule option 'agents' sets 'dentist', but no agent has that name. Registered agents: host, concierge. Use an agent's name from @Agent({ name }) or pool.add().",
      ]);
      expect(code).toBe(1);
      expect(stdout).toMatch(/Registered agent 'host'/); // the app booted; the worker never started
      expect(double.registrations).toEqual([]);
    } finally {
      await double.close();
    }
  });
});

describe('openrtc --version', () => {
  beforeAll(assertBuilt);

  it.each([['--version'], ['-v']])('%s prints the package version and exits 0', async (flag) => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const { code, stdout, stderr } = await runCli([flag]);
    expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });
});
