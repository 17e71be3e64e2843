import { APP, assertBuilt, cleanEnv, lines, runCli } from './cli-process.js';

// Bad input, each in a real `openrtc` process: a non-zero exit and ONE line on stderr that says
// what to fix, nothing on stdout.
describe('openrtc: bad input exits non-zero with one line that says what to fix', () => {
  beforeAll(assertBuilt);

  const badInput: Array<[string, string[], RegExp, Record<string, string>]> = [
    ['an unknown command', ['strat'], /^openrtc: Unknown command 'strat'\. Did you mean 'start'\? Commands: start, dev, connect, console, download-files, list/, {}],
    ['an unknown flag', ['start', '--app', APP, '--isolaton', 'process'], /^openrtc: Unknown flag --isolaton for 'openrtc start'\. Did you mean --isolation\? Run 'openrtc start --help'/, {}],
    ['a non-numeric --max-concurrent-sessions', ['start', '--app', APP, '--max-concurrent-sessions', 'lots'], /^openrtc: Flag --max-concurrent-sessions must be a positive integer, got 'lots'\.$/, {}],
    ['a zero --max-concurrent-sessions', ['dev', '--app', APP, '--max-concurrent-sessions=0'], /^openrtc: Flag --max-concurrent-sessions must be a positive integer, got 0\.$/, {}],
    ['a zero --idle-processes', ['start', '--app', APP, '--idle-processes', '0'], /^openrtc: Flag --idle-processes must be a positive integer, got 0\.$/, {}],
    ['an unknown isolation', ['start', '--app', APP, '--isolation', 'thread'], /^openrtc: Flag --isolation must be one of 'coroutine', 'process', got 'thread'\.$/, {}],
    ['a non-numeric --drain-timeout', ['start', '--app', APP, '--drain-timeout', '30s'], /^openrtc: Flag --drain-timeout must be a positive number of seconds, got '30s'\.$/, {}],
    ['a --drain-timeout beyond Node\'s timer limit', ['start', '--app', APP, '--drain-timeout', '1e7'], /^openrtc: Flag --drain-timeout must be at most 2147483 seconds \(Node's timer limit, about 24\.8 days\), got 10000000\.$/, {}],
    ['a URL without a scheme', ['start', '--app', APP, '--url', 'localhost:7880'], /^openrtc: Flag --url must be a ws:\/\/ or wss:\/\/ URL with a host, such as 'wss:\/\/my-project\.livekit\.cloud' or 'ws:\/\/127\.0\.0\.1:7880', got 'localhost:7880'\.$/, {}],
    ['a flag without its value', ['start', '--app', APP, '--isolation'], /^openrtc: Flag --isolation needs a value: --isolation <mode>\.$/, {}],
    ['a positional argument', ['list', APP], /^openrtc: Unexpected argument '.*app\.module\.mjs' for 'openrtc list': it takes flags only \(the app is --app .*\)/, {}],
    ['connect without --room', ['connect', '--app', APP], /^openrtc: 'openrtc connect' needs --room <name>/, {}],
    ['console without --connect-addr', ['console', '--app', APP], /^openrtc: 'openrtc console' needs --connect-addr <host:port>/, {}],
    ['no app at all', ['list'], /^openrtc: No app to run: pass --app dist\/app\.module\.js#AppModule .* or set OPENRTC_APP\.$/, {}],
    ['an app file that does not exist', ['start', '--app', 'dist/nope.module.js'], /^openrtc: App module file not found: dist\/nope\.module\.js \(from --app\)\. Build the app first/, {}],
    ['an OPENRTC_APP that does not exist', ['list'], /^openrtc: App module file not found: dist\/gone\.js \(from OPENRTC_APP\)/, { OPENRTC_APP: 'dist/gone.js' }],
    ['TypeScript source instead of the build', ['list', '--app', 'sample/src/app.module.ts'], /^openrtc: --app points at TypeScript source \(sample\/src\/app\.module\.ts\); node runs the built JavaScript/, {}],
    ['an app module that cannot be loaded', ['list', '--app', 'test/fixtures/cli-app/broken-app.module.mjs'], /^openrtc: Cannot load the app module test\/fixtures\/cli-app\/broken-app\.module\.mjs: Cannot find package '@acme\/not-installed'/, {}],
    ['an export that does not exist', ['start', '--app', `${APP}#ApplicationModule`], /^openrtc: test\/fixtures\/cli-app\/app\.module\.mjs has no export 'ApplicationModule' \(it exports: AppModule, .*\)\. Name the root module after '#'/, {}],
    ['an export that is no module class', ['list', '--app', `${APP}#notAModule`], /^openrtc: Export 'notAModule' of test\/fixtures\/cli-app\/app\.module\.mjs is not a Nest module class \(got a number\)/, {}],
    ['a bad environment variable', ['list', '--app', APP], /^openrtc: Environment variable OPENRTC_ISOLATION must be one of 'coroutine', 'process', got 'thread'\.$/, { OPENRTC_ISOLATION: 'thread' }],
    ['a worker without LiveKit credentials', ['start', '--app', APP], /^openrtc: LiveKit credentials missing: pass --url, --api-key, --api-secret or set LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET/, {}],
  ];

  // (every row has all four columns: jest passes `done` to a function that takes more parameters than a row has)
  it.each(badInput)('%s', async (_what, args, message, env) => {
    const { code, stdout, stderr } = await runCli(args, { env: cleanEnv(env) });
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(lines(stderr)).toHaveLength(1);
    expect(lines(stderr)[0]).toMatch(message);
    // A worker command logs its app's boot as any Nest app does (stdout); nothing else is printed.
    expect(lines(stdout).filter((line) => !line.includes('[Nest]'))).toEqual([]);
  });

  it('never echoes a secret passed by flag, even when another flag is wrong', async () => {
    const { code, stdout, stderr } = await runCli(['start', '--app', APP, '--api-secret', 'sk-very-secret-value', '--isolation', 'thread']);
    expect(code).toBe(2);
    expect(stdout + stderr).not.toContain('sk-very-secret-value');
  });
});

describe('openrtc --help', () => {
  beforeAll(assertBuilt);

  it('lists every command and the settings with their variables, and exits 0', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    for (const command of ['start', 'dev', 'connect', 'console', 'download-files', 'list']) expect(stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    for (const variable of ['OPENRTC_ISOLATION', 'OPENRTC_MAX_CONCURRENT_SESSIONS', 'OPENRTC_DRAIN_TIMEOUT', 'OPENRTC_AGENT_NAME', 'OPENRTC_IDLE_PROCESSES', 'LIVEKIT_URL', 'LIVEKIT_API_KEY', 'LIVEKIT_API_SECRET', 'LIVEKIT_LOG_LEVEL']) {
      expect(stdout).toContain(`env ${variable}`);
    }
    expect(stdout).toContain('--app dist/app.module.js#AppModule');
  });

  it.each([
    ['start', ['--isolation', '--max-concurrent-sessions', '--url', '--api-key', '--api-secret', '--log-level', '--agent-name', '--drain-timeout', '--idle-processes', '--app']],
    ['dev', ['--isolation', '--max-concurrent-sessions', '--url', '--app']],
    ['connect', ['--room <name>', '--participant-identity', '--url', '--app']],
    ['console', ['--connect-addr <host:port>', '--record', '--app']],
    ['download-files', ['--app', '--log-level']],
    ['list', ['--app', '--json']],
  ])('openrtc %s --help shows its flags and exits 0', async (command, flags) => {
    const { code, stdout, stderr } = await runCli([command, '--help']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(new RegExp(`^Usage: openrtc ${command} `));
    for (const flag of flags) expect(stdout).toContain(flag);
  });

  it('`openrtc help <command>` and `-h` print the same help', async () => {
    const [viaHelp, viaShort] = await Promise.all([runCli(['help', 'list']), runCli(['list', '-h'])]);
    expect(viaHelp.stdout).toBe(viaShort.stdout);
    expect(viaHelp.code).toBe(0);
  });
});
