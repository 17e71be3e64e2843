import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { AgentPool, OpenRtcConfigError, OpenRtcModule } from '@openrtc/nestjs';
import {
  BackupDeskAgent, DeskAgent, ForeignCopyAgent, LlmClass, NotAnAgent, SingletonAgent, ValidAgent, ValidTwinAgent,
  agentClass, moduleWith, prebuiltAgentProvider,
} from '../fixtures/invalid-agents.fixture.js';
import { startApp, startupError, type Imports } from '../support/nest-app.js';

const openRtc = (options = {}) => OpenRtcModule.forRoot({ autoStart: false, ...options });
const KNOWN_OPTIONS = 'Known options: name, stt, llm, tts, greeting, sessionOptions.';
const PROVIDER_RULE = "must be a provider string such as 'openai/gpt-4.1-mini', a plugin instance, or a factory such as () => new openai.LLM()";
const NAME_RULE = 'must be 1-64 characters of ASCII letters, digits, dashes, or underscores';

async function expectStartupError(imports: Imports, message: string): Promise<void> {
  const error = await startupError(imports);
  expect(error).toBeInstanceOf(OpenRtcConfigError);
  expect(error.message).toBe(message);
}

describe('invalid @Agent() declarations fail startup with an error that names the class', () => {
  it('a class that does not extend voice.Agent', async () => {
    await expectStartupError([openRtc(), moduleWith(ValidAgent, NotAnAgent as never)],
      '@Agent() class NotAnAgent does not extend voice.Agent from @livekit/agents. Make it extend voice.Agent (import { voice } from "@livekit/agents").');
  });

  it('a class that extends another copy of Agent (ESM and CommonJS loaded side by side)', async () => {
    await expectStartupError([openRtc(), moduleWith(ForeignCopyAgent as never)],
      '@Agent() class ForeignCopyAgent does not extend voice.Agent from @livekit/agents. It extends a different copy of Agent: ' +
        'the app loads @livekit/agents twice (as ESM and as CommonJS). Load it in one module format only.');
  });

  it('two classes with one name, in two modules: the error names both', async () => {
    await expectStartupError([openRtc(), moduleWith(DeskAgent), moduleWith(BackupDeskAgent)],
      "Agent 'desk' is already registered by class DeskAgent; class BackupDeskAgent asks for the same name. Give one of them another name with @Agent({ name: '...' }).");
  });

  it('an explicit name that collides with a derived one', async () => {
    await expectStartupError([openRtc(), moduleWith(ValidAgent, ValidTwinAgent)],
      "Agent 'valid' is already registered by class ValidAgent; class ValidTwinAgent asks for the same name. Give one of them another name with @Agent({ name: '...' }).");
  });

  it.each([
    [{ name: 'front desk' }, `@Agent() on class BadNameAgent: option 'name' ${NAME_RULE}, got 'front desk'.`],
    [{ name: 'x'.repeat(65) }, `@Agent() on class BadNameAgent: option 'name' ${NAME_RULE}, got '${'x'.repeat(65)}'.`],
    [{ name: 'desk/1' }, `@Agent() on class BadNameAgent: option 'name' ${NAME_RULE}, got 'desk/1'.`],
    [{ name: '' }, "@Agent() on class BadNameAgent: option 'name' must be a non-empty string, got ''."],
    [{ name: '   ' }, "@Agent() on class BadNameAgent: option 'name' must be a non-empty string, got '   '."],
    [{ name: 7 }, "@Agent() on class BadNameAgent: option 'name' must be a non-empty string, got 7."],
  ])('an invalid name %p', async (options, message) => {
    await expectStartupError([openRtc(), moduleWith(agentClass('BadNameAgent', options))], message);
  });

  it('a class name that derives no valid name', async () => {
    await expectStartupError([openRtc(), moduleWith(agentClass('CaféAgent', {}))],
      `@Agent() on class CaféAgent: the name derived from the class name ${NAME_RULE}, got 'café'.`);
  });

  it.each([
    [{ instructions: 'Be nice.' }, `@Agent() on class LooseAgent: unknown option 'instructions'. ${KNOWN_OPTIONS}`],
    [{ name: 'loose', turnDetection: 'vad' }, `@Agent() on class LooseAgent: unknown option 'turnDetection'. ${KNOWN_OPTIONS}`],
  ])('an unknown option key %p', async (options, message) => {
    await expectStartupError([openRtc(), moduleWith(agentClass('LooseAgent', options))], message);
  });

  it.each([
    [null, '@Agent() on class ShapelessAgent: options must be an object, got null.'],
    ['restaurant', "@Agent() on class ShapelessAgent: options must be an object, got 'restaurant'."],
  ])('options that are no object: %p', async (options, message) => {
    await expectStartupError([openRtc(), moduleWith(agentClass('ShapelessAgent', options))], message);
  });

  it.each([
    [{ greeting: '' }, "@Agent() on class GreeterAgent: option 'greeting' must be a non-empty string, got ''."],
    [{ greeting: '  ' }, "@Agent() on class GreeterAgent: option 'greeting' must be a non-empty string, got '  '."],
    [{ greeting: 42 }, "@Agent() on class GreeterAgent: option 'greeting' must be a non-empty string, got 42."],
    [{ greeting: ['Hi'] }, `@Agent() on class GreeterAgent: option 'greeting' must be a non-empty string, got ["Hi"].`],
  ])('a bad greeting %p', async (options, message) => {
    await expectStartupError([openRtc(), moduleWith(agentClass('GreeterAgent', options))], message);
  });

  it.each([
    [{ llm: 42 }, `@Agent() on class ProvidedAgent: option 'llm' ${PROVIDER_RULE}, got 42.`],
    [{ stt: '' }, `@Agent() on class ProvidedAgent: option 'stt' ${PROVIDER_RULE}, got ''.`],
    [{ tts: '   ' }, `@Agent() on class ProvidedAgent: option 'tts' ${PROVIDER_RULE}, got '   '.`],
    [{ tts: null }, `@Agent() on class ProvidedAgent: option 'tts' ${PROVIDER_RULE}, got null.`],
    [{ llm: LlmClass }, "@Agent() on class ProvidedAgent: option 'llm' is the class ScriptedLLM, not a provider: pass an instance (new ScriptedLLM()) or a factory (() => new ScriptedLLM())."],
    [{ llm: true }, `@Agent() on class ProvidedAgent: option 'llm' ${PROVIDER_RULE}, got true.`],
  ])('a bad provider value %p', async (options, message) => {
    await expectStartupError([openRtc(), moduleWith(agentClass('ProvidedAgent', options))], message);
  });

  it.each([
    [{ sessionOptions: 'fast' }, "@Agent() on class TunedAgent: option 'sessionOptions' must be an object of AgentSession options, got 'fast'."],
    [{ sessionOptions: [] }, "@Agent() on class TunedAgent: option 'sessionOptions' must be an object of AgentSession options, got []."],
    [{ sessionOptions: null }, "@Agent() on class TunedAgent: option 'sessionOptions' must be an object of AgentSession options, got null."],
  ])('bad sessionOptions %p', async (options, message) => {
    await expectStartupError([openRtc(), moduleWith(agentClass('TunedAgent', options))], message);
  });

  it('an @Agent() class that @Injectable() turned into a singleton', async () => {
    await expectStartupError([openRtc(), moduleWith(SingletonAgent)],
      '@Agent() class SingletonAgent is a singleton provider, but every session needs its own agent instance. ' +
        'Remove @Injectable() (or its scope option) from the class: @Agent() already makes it injectable, per session.');
  });

  it('an @Agent() instance provided with useValue', async () => {
    @Module({ providers: [prebuiltAgentProvider] })
    class PrebuiltModule {}
    await expectStartupError([openRtc(), PrebuiltModule],
      '@Agent() class ValidAgent is provided as a ready-made instance (useValue or useFactory), but every session needs its own agent instance. ' +
        "List the class itself in the module's providers (or use useClass: ValidAgent).");
  });

  it('a defaultAgent that no agent has', async () => {
    await expectStartupError([openRtc({ defaultAgent: 'concierge' }), moduleWith(ValidAgent, DeskAgent)],
      "OpenRtcModule option 'defaultAgent' names 'concierge', which is not registered. Registered agents: valid, desk.");
  });

  it('the same valid app starts (the errors above come from the class at fault)', async () => {
    const { app } = await startApp([openRtc({ defaultAgent: 'desk' }), moduleWith(ValidAgent, DeskAgent)]);
    expect(app.get(AgentPool).list().map((agent) => agent.name)).toEqual(['valid', 'desk']);
    await app.close();
  });
});
