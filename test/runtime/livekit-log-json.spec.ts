import 'reflect-metadata';
import { ConsoleLogger, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { voice } from '@livekit/agents';
import { Agent, AgentPool, OpenRtcModule } from '@openrtc/nestjs';
import { ScriptedLLM } from '@openrtc/nestjs/testing';

@Agent({ name: 'echo', llm: new ScriptedLLM({ reply: 'ok' }) })
class EchoAgent extends voice.Agent {
  constructor() {
    super({ instructions: 'echo' });
  }
}

@Module({ providers: [EchoAgent] })
class EchoModule {}

// One log stream: with Nest's ConsoleLogger in JSON mode, every line the app prints (LiveKit's too) is
// one of Nest's JSON records, and LiveKit's fields are an object in it, not text inside the message.
describe("LiveKit's logs with ConsoleLogger({ json: true })", () => {
  it('come out as Nest JSON records whose fields stay structured', async () => {
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      return true;
    }) as typeof process.stdout.write;
    try {
      const app = await Test.createTestingModule({ imports: [OpenRtcModule.forRoot({ autoStart: false, turnDetection: 'vad', logLevel: 'debug' }), EchoModule] }).compile();
      app.useLogger(new ConsoleLogger({ json: true, logLevels: ['log', 'warn', 'error', 'debug'] }));
      await app.init();
      const pool = app.get(AgentPool);
      await pool.start({ connect: false });
      const call = await pool.simulateSession({ agent: 'echo', turns: ['hello'] });
      await call.answered;
      await call.end();
      await app.close();
    } finally {
      process.stdout.write = write;
    }
    const records = lines.map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`not a JSON line: ${line}`);
      }
    });
    const livekit = records.filter((record) => record.context === 'LiveKit');
    expect(livekit.length).toBeGreaterThan(0);
    // No pino record (numeric level, `msg`) reached stdout on its own.
    expect(records.filter((record) => typeof record.level === 'number' || 'msg' in record)).toEqual([]);
    const closed = livekit.find((record) => String(record.message).startsWith('playout completed'));
    expect(closed).toEqual(expect.objectContaining({ level: 'log', params: expect.objectContaining({ speech_id: expect.any(String) }) }));
    expect(String(closed!.message)).not.toContain('{');
  });
});
