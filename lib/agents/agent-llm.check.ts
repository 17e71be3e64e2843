import type { AgentConfig } from './agent-config.interface.js';

/**
 * Why an agent cannot answer a caller, or undefined when it has an LLM (a realtime model is given as
 * `llm` too). Without one, upstream's session fails every reply, a greeting first, with "trying to
 * generate reply without an LLM model". A constructor that passes `llm` to `voice.Agent` is not seen here.
 */
export function missingLlmWarning(agent: AgentConfig): string | undefined {
  if (agent.llm !== undefined) return undefined;
  const what = agent.greeting ? 'its greeting and every reply fail' : 'every reply fails';
  return (
    `Agent '${agent.name}' has no LLM (nor realtime model), so ${what} ("trying to generate reply without an LLM model"). ` +
    `Set llm in @Agent({ llm }), OpenRtcModule option defaults.llm or agents.${agent.name}.llm, e.g. llm: 'openai/gpt-4.1-mini', ` +
    'or pass llm to voice.Agent in its constructor.'
  );
}
