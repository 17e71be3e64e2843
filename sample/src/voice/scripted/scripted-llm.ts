import { DEFAULT_API_CONNECT_OPTIONS, llm, type APIConnectOptions } from '@livekit/agents';
import type { CallScript } from './call-scripts.js';

type ChatParams = { chatCtx: llm.ChatContext; toolCtx?: llm.ToolContext; connOptions?: APIConnectOptions };

/**
 * Offline stand-in for an LLM that follows a call script: the greeting, then (after the caller's
 * turn) the script's tool calls one by one, which the session really executes (the agent's tools,
 * its injected services), then a reply built from the tools' outputs.
 */
export class ScriptedLLM extends llm.LLM {
  constructor(private readonly script: CallScript) {
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
  constructor(owner: llm.LLM, params: Required<Pick<ChatParams, 'chatCtx' | 'connOptions'>> & { toolCtx?: llm.ToolContext }, private readonly script: CallScript) {
    super(owner, params);
  }

  protected async run(): Promise<void> {
    const items = this.chatCtx.items;
    const lastUser = items.findLastIndex((item) => item.type === 'message' && item.role === 'user');
    if (lastUser === -1) return this.say(this.script.greeting);
    const outputs = items.slice(lastUser + 1).filter((item) => item.type === 'function_call_output').map((item) => item.output);
    const step = this.script.steps[outputs.length];
    if (!step) return this.say(this.script.reply(outputs));
    const call = llm.FunctionCall.create({ callId: `scripted-${lastUser}-${outputs.length}`, name: step.tool, args: JSON.stringify(step.args(outputs)) });
    this.queue.put({ id: 'scripted', delta: { role: 'assistant', toolCalls: [call] } });
  }

  private say(text: string): void {
    for (let i = 0; i < text.length; i += 8) this.queue.put({ id: 'scripted', delta: { role: 'assistant', content: text.slice(i, i + 8) } });
  }
}
