import { APP, CJS_APP, assertBuilt, cleanEnv, lines, runCli } from './cli-process.js';

const SECRETS = { LIVEKIT_API_KEY: 'APIlistkey', LIVEKIT_API_SECRET: 'list-secret-0123456789', CLI_TEST_PROVIDER_KEY: 'sk-provider-key-9876' };

// `openrtc list` boots the app without starting its worker: no LiveKit server is needed, none is contacted.
describe('openrtc list', () => {
  beforeAll(assertBuilt);

  it('prints a table of the registered agents: name, class, providers, greeting', async () => {
    const { code, stdout, stderr } = await runCli(['list', '--app', APP], { env: cleanEnv({ ...SECRETS, LIVEKIT_URL: 'ws://127.0.0.1:9' }) });
    // concierge has no LLM: a warning on stderr says what breaks and how to set one.
    expect(lines(stderr)).toEqual([expect.stringMatching(/^openrtc: warning: Agent 'concierge' has no LLM \(nor realtime model\), so every reply fails .*Set llm in @Agent\(\{ llm \}\), OpenRtcModule option defaults\.llm or agents\.concierge\.llm/)]);
    expect(code).toBe(0);
    const [header, host, concierge, ...rest] = lines(stdout);
    expect(header).toMatch(/^NAME\s+CLASS\s+STT\s+LLM\s+TTS\s+GREETING$/);
    expect(host).toMatch(/^host\s+HostAgent\s+deepgram\/nova-3\s+openai\/gpt-4\.1-mini\s+-\s+Welcome the guest to the hotel\.$/);
    // A provider instance shows as its class: its settings (here, a key) are never printed.
    expect(concierge).toMatch(/^concierge\s+ConciergeAgent\s+-\s+-\s+<KeyedTTS>\s+-$/);
    expect(rest).toEqual([]);
  });

  it('--json prints one JSON document on stdout, with the same agents', async () => {
    const { code, stdout } = await runCli(['list', '--app', `${APP}#AppModule`, '--json'], { env: cleanEnv(SECRETS) });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      schema_version: 1,
      command: 'list',
      app: 'test/fixtures/cli-app/app.module.mjs#AppModule',
      agents: [
        { name: 'host', class: 'HostAgent', providers: { stt: 'deepgram/nova-3', llm: 'openai/gpt-4.1-mini', tts: null }, greeting: 'Welcome the guest to the hotel.' },
        { name: 'concierge', class: 'ConciergeAgent', providers: { stt: null, llm: null, tts: '<KeyedTTS>' }, greeting: null },
      ],
    });
  });

  it('never prints a secret: LiveKit credentials from flags or the environment, keys inside provider instances', async () => {
    const runs = await Promise.all([
      runCli(['list', '--app', APP], { env: cleanEnv(SECRETS) }),
      runCli(['list', '--app', APP, '--json'], { env: cleanEnv(SECRETS) }),
    ]);
    for (const { stdout, stderr } of runs) {
      for (const secret of Object.values(SECRETS)) expect(stdout + stderr).not.toContain(secret);
    }
  });

  it('finds the app through OPENRTC_APP when --app is not given', async () => {
    const { code, stdout } = await runCli(['list', '--json'], { env: cleanEnv({ OPENRTC_APP: APP }) });
    expect(code).toBe(0);
    expect(JSON.parse(stdout).agents.map((agent: { name: string }) => agent.name)).toEqual(['host', 'concierge']);
  });

  it('drives a CommonJS app with its own (CommonJS) copy of @livekit/agents: its voice.Agent subclass registers', async () => {
    const { code, stdout, stderr } = await runCli(['list', '--app', CJS_APP, '--json']);
    expect(lines(stderr)).toEqual([expect.stringMatching(/^openrtc: warning: Agent 'front-desk' has no LLM \(nor realtime model\), so its greeting and every reply fail/)]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).agents).toEqual([
      { name: 'front-desk', class: 'FrontDeskAgent', providers: { stt: null, llm: null, tts: null }, greeting: 'Greet the guest at the front desk.' },
    ]);
  });

  it('an app that registers no agent exits non-zero and says how to register one', async () => {
    const { code, stdout, stderr } = await runCli(['list', '--app', `${APP}#NoAgentsModule`]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(lines(stderr)).toEqual([
      "openrtc: test/fixtures/cli-app/app.module.mjs#NoAgentsModule registers no agents: decorate a voice.Agent subclass with @Agent() and list it in a module's providers.",
    ]);
  });
});
