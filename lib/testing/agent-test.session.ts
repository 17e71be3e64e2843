import type { INestApplicationContext } from '@nestjs/common';
import { voice } from '@livekit/agents';
import type { ProviderValue, SessionOptions } from '../agents/agent-config.interface.js';
import { AgentInstanceFactory } from '../agents/agent-instance.factory.js';
import { AgentsExplorer } from '../agents/agents.explorer.js';
import { providerForSession } from '../agents/provider-value.js';
import type { OpenRtcSession } from '../agents/session-context.interface.js';
import { AgentPool } from '../runtime/agent-pool.js';
import { liveKitLoggerInitialized, routeLiveKitLogs } from '../runtime/livekit-internals.js';
import { writeLiveKitRecord } from '../runtime/livekit-log.sink.js';

/** @publicApi */
export interface AgentTestOptions {
  /** The session the agent is built for (what `@InjectSession()` yields). */
  session?: { jobId?: string; roomName?: string; metadata?: Record<string, unknown> };
  /** The session's LLM, over the agent's own (`@Agent()`, `agents`, `defaults`); e.g. a ScriptedLLM. */
  llm?: ProviderValue;
  /** A text session uses no STT or TTS: the agent's own are left out (they may need keys); these are used when given. */
  stt?: ProviderValue;
  tts?: ProviderValue;
  /** Extra `AgentSession` options. */
  sessionOptions?: SessionOptions;
}

/** One agent of the app, built through DI for one session, in a text-only `AgentSession`. @publicApi */
export interface AgentTestSession {
  /** The agent instance DI built for this session (request-scoped providers are this session's). */
  readonly agent: voice.Agent;
  readonly session: voice.AgentSession;
  readonly info: OpenRtcSession;
  /**
   * One caller turn as text: upstream's `session.run({ userInput })`, resolved once the agent has
   * finished its turn (upstream's `RunResult` is no promise: awaiting it waits for nothing).
   * Assert on `result.expect` / `result.events`.
   */
  run(userInput: string): Promise<voice.testing.RunResult>;
  /** Closes the session. */
  close(): Promise<void>;
}

let sessions = 0;

/**
 * Builds agent `agentName` of a compiled Nest module (e.g. `Test.createTestingModule(...).compile()`,
 * with its `overrideProvider()`s) the way a call does: a fresh per-session DI context whose "request"
 * is the session, then starts it in a text-only `AgentSession` (no room, no VAD, no audio), so a
 * test drives it with `run(userInput)` and upstream's `RunResult` assertions. The worker is not
 * started and nothing connects to LiveKit; `init()` of the module is not needed.
 * @publicApi
 */
export async function createAgentTestSession(app: INestApplicationContext, agentName: string, options: AgentTestOptions = {}): Promise<AgentTestSession> {
  if (!liveKitLoggerInitialized()) routeLiveKitLogs('info', writeLiveKitRecord);
  const pool = app.get(AgentPool, { strict: false });
  // A module that was compiled but not initialised has not discovered its agents yet.
  if (pool.list().length === 0) app.get(AgentsExplorer, { strict: false }).onModuleInit();
  const config = pool.get(agentName);
  const n = ++sessions;
  const info: OpenRtcSession = Object.freeze({
    jobId: options.session?.jobId ?? `TEST_${process.pid}_${n}`,
    roomName: options.session?.roomName ?? `${agentName}-test-${n}`,
    agentName,
    metadata: { ...options.session?.metadata },
  });
  const agent = await app.get(AgentInstanceFactory, { strict: false }).create(config, info);
  const providers = Object.fromEntries(
    (['stt', 'llm', 'tts'] as const)
      .map((field) => [field, field === 'llm' ? (options.llm ?? config.llm) : options[field]] as const)
      .filter(([, value]) => value !== undefined)
      .map(([field, value]) => [field, providerForSession(value!, info, field)]),
  );
  const session = new voice.AgentSession({ ...providers, ...config.sessionOptions, ...options.sessionOptions } as voice.AgentSessionOptions);
  await session.start({ agent });
  return {
    agent,
    session,
    info,
    run: (userInput) => session.run({ userInput }).wait(),
    close: () => session.close(),
  };
}
