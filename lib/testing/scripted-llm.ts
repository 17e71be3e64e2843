import { DEFAULT_API_CONNECT_OPTIONS, llm, type APIConnectOptions } from '@livekit/agents';

/** One tool call of a script; `args` may read the outputs of the calls before it in the same turn. @publicApi */
export interface ScriptedToolCall {
  name: string;
  args?: Record<string, unknown> | ((outputs: string[], userText: string) => Record<string, unknown>);
}

/**
 * What a {@link ScriptedLLM} does, per turn: before the caller has said anything it speaks
 * `greeting`; after each caller turn it calls `tools` in order (the session really runs them: the
 * agent's tools and the services it injects), then replies with `reply`, built from the tools' outputs.
 * @publicApi
 */
export interface LlmScript {
  greeting?: string;
  tools?: ScriptedToolCall[];
  reply: string | ((outputs: string[], userText: string) => string);
}

type ChatParams = { chatCtx: llm.ChatContext; toolCtx?: llm.ToolContext; connOptions?: APIConnectOptions };

/**
 * An LLM stand-in that follows a script instead of a model, so a test knows which tools a turn calls
 * and what the agent answers. Give it per agent: `@Agent({ llm })`, OpenRtcModule option
 * `agents: { name: { llm } }`, or `createAgentTestSession(..., { llm })`.
 * @publicApi
 */
export class ScriptedLLM extends llm.LLM {
  constructor(private readonly script: LlmScript) {
    super();
  }

  label(): string {
    return 'scripted-llm';
  }

  chat({ chatCtx, toolCtx, connOptions = DEFAULT_API_CONNECT_OPTIONS }: ChatParams): llm.LLMStream {
    return new ScriptedStream(this, { chatCtx, toolCtx, connOptions }, this.script);
  }
}

class ScriptedStream extends llm.LLMStream {
  constructor(owner: llm.LLM, params: Required<Pick<ChatParams, 'chatCtx' | 'connOptions'>> & { toolCtx?: llm.ToolContext }, private readonly script: LlmScript) {
    super(owner, params);
  }

  protected async run(): Promise<void> {
    const items = this.chatCtx.items;
    const lastUser = items.findLastIndex((item) => item.type === 'message' && item.role === 'user');
    if (lastUser === -1) return this.say(this.script.greeting ?? '');
    const userItem = items[lastUser] as llm.ChatMessage;
    const userText = userItem.textContent ?? '';
    const outputs = items.slice(lastUser + 1).filter((item) => item.type === 'function_call_output').map((item) => (item as llm.FunctionCallOutput).output);
    const step = this.script.tools?.[outputs.length];
    if (!step) {
      const { reply } = this.script;
      return this.say(typeof reply === 'function' ? reply(outputs, userText) : reply);
    }
    const args = typeof step.args === 'function' ? step.args(outputs, userText) : (step.args ?? {});
    const call = llm.FunctionCall.create({ callId: `scripted-${lastUser}-${outputs.length}`, name: step.name, args: JSON.stringify(args) });
    this.queue.put({ id: 'scripted', delta: { role: 'assistant', toolCalls: [call] } });
  }

  private say(text: string): void {
    for (let i = 0; i < text.length; i += 8) this.queue.put({ id: 'scripted', delta: { role: 'assistant', content: text.slice(i, i + 8) } });
  }
}
