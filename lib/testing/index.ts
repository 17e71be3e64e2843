// `@openrtc/nestjs/testing`: test agents the way Nest tests controllers.
export { createAgentTestSession, type AgentTestOptions, type AgentTestSession } from './agent-test.session.js';
export { ScriptedLLM, type LlmScript, type ScriptedToolCall } from './scripted-llm.js';
export { ScriptedSTT } from './scripted-stt.js';
export { ScriptedTTS } from './scripted-tts.js';
export { speechSamplePath } from './speech-sample.js';
