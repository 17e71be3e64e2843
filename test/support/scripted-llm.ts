import { llm, DEFAULT_API_CONNECT_OPTIONS, type APIConnectOptions } from '@livekit/agents';

/**
 * A stand-in LLM for tests, built on upstream's LLM/LLMStream: it answers every request with one
 * scripted line, streamed in small chunks like a provider would, and records what it was asked.
 * (voice.testing.FakeLLM only answers a user message it was told about verbatim, so it stays
 * silent for a greeting, which has no user message.)
 */
export class ScriptedLLM extends llm.LLM {
  readonly requests: llm.ChatContext[] = [];

  constructor(readonly reply: string) {
    super();
  }

  label(): string {
    return 'scripted-llm';
  }

  chat({ chatCtx, toolCtx, connOptions = DEFAULT_API_CONNECT_OPTIONS }: { chatCtx: llm.ChatContext; toolCtx?: llm.ToolContext; connOptions?: APIConnectOptions }): llm.LLMStream {
    this.requests.push(chatCtx);
    return new ScriptedStream(this, { chatCtx, toolCtx, connOptions }, this.reply);
  }
}

class ScriptedStream extends llm.LLMStream {
  constructor(owner: llm.LLM, params: { chatCtx: llm.ChatContext; toolCtx?: llm.ToolContext; connOptions: APIConnectOptions }, private readonly reply: string) {
    super(owner, params);
  }

  protected async run(): Promise<void> {
    for (let i = 0; i < this.reply.length; i += 4) {
      this.queue.put({ id: 'scripted', delta: { role: 'assistant', content: this.reply.slice(i, i + 4) } });
    }
  }
}
