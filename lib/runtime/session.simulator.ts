import { accessSync, constants, readFileSync } from 'node:fs';
import type { RunningJobInfo } from '@livekit/agents';
import { Job, JobType, Room as RoomInfo } from '@livekit/protocol';
import type { AgentRegistry } from '../agents/agent.registry.js';
import { AgentRoutingError, OpenRtcConfigError, describeValue } from '../errors/openrtc.errors.js';
import type { AgentResolver } from '../routing/agent.resolver.js';
import { parseWav } from '../simulation/wav.js';
import type { FaultPolicy } from './fault.policy.js';
import type { ProcPoolLike } from './livekit-internals.js';
import type { SessionOutcome, SessionOutcomeTracker } from './session-outcome.tracker.js';
import { simulatedAttributes } from './simulated-io.js';

/** @publicApi */
export interface SimulateSessionOptions {
  roomName?: string;
  /** The agent to route to (sent as job metadata `agent`). */
  agent?: string;
  metadata?: Record<string, unknown>;
  /** A 16 kHz mono PCM16 WAV the simulated caller plays into the session. */
  audio?: string;
  /** What the simulated caller says as text, one turn after the agent's previous reply (after its greeting first). */
  turns?: string[];
  /**
   * Whether this session's outcome counts toward `consecutiveFailureLimit`. Default false: a test
   * or demo that fails on purpose must not make the worker drain and exit.
   */
  countsTowardSupervisor?: boolean;
}

/** @publicApi */
export interface SimulatedSession {
  readonly jobId: string;
  /** Resolves with the milliseconds from launch until the agent's session had started (onEnter ran). */
  readonly started: Promise<number>;
  /**
   * Resolves with the text of the agent's first reply to the caller (its first message after the
   * caller's turn; a greeting does not count). Rejects if the session ends before that.
   */
  readonly answered: Promise<string>;
  /** Resolves when the session has ended and been torn down. */
  readonly outcome: Promise<SessionOutcome>;
  /** Hangs up (as a termination would) and resolves with the outcome. */
  end(): Promise<SessionOutcome>;
}

const OPTION_KEYS = ['roomName', 'agent', 'metadata', 'audio', 'turns', 'countsTowardSupervisor'];

/** Simulated sessions: their input checked before they start, and the waiters for their events. */
export class SessionSimulator {
  private count = 0;
  private readonly startWaiters = new Map<string, () => void>();
  private readonly answerWaiters = new Map<string, (text: string) => void>();
  /** Recordings already read once: many simulated callers play the same file. */
  private readonly checkedAudio = new Set<string>();

  constructor(
    private readonly registry: AgentRegistry,
    private readonly resolver: AgentResolver,
    private readonly outcomes: SessionOutcomeTracker,
    private readonly faults: FaultPolicy,
  ) {}

  /** The session of `jobId` started (onEnter ran): a runtime event, for any session. */
  started(jobId: string): void {
    this.startWaiters.get(jobId)?.();
    this.startWaiters.delete(jobId);
  }

  answered(jobId: string, text: string): void {
    this.answerWaiters.get(jobId)?.(text);
    this.answerWaiters.delete(jobId);
  }

  /** Launches a fake job (no room) through the pool's own path. Bad input rejects before anything starts. */
  async launch(pool: ProcPoolLike, workerId: string, spec: SimulateSessionOptions = {}): Promise<SimulatedSession> {
    const job = this.check(spec);
    const jobId = job.id;
    const info: RunningJobInfo = {
      acceptArguments: { name: '', identity: `agent-${jobId}`, metadata: '', attributes: simulatedAttributes(spec) } as RunningJobInfo['acceptArguments'],
      job,
      url: '',
      token: '',
      workerId,
      fakeJob: true,
    };
    if (spec.countsTowardSupervisor !== true) this.faults.exclude(jobId);
    const outcome = this.outcomes.expect(jobId);
    const launchedAt = performance.now();
    const started = sessionEvent(this.startWaiters, jobId, outcome, 'started', () => performance.now() - launchedAt);
    const answered = sessionEvent(this.answerWaiters, jobId, outcome, 'answered', (text: string) => text);
    await pool.launchJob(info);
    return {
      jobId,
      started,
      answered,
      outcome,
      end: async () => {
        await pool.getByJobId(jobId)?.close();
        return outcome;
      },
    };
  }

  private check(spec: SimulateSessionOptions): Job {
    const fail = (option: string, value: unknown, fix: string): never => {
      throw new OpenRtcConfigError(`simulateSession() option '${option}' got ${describeValue(value)}: ${fix}.`);
    };
    if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
      throw new OpenRtcConfigError(`simulateSession() takes an options object { agent?, audio?, turns?, metadata?, roomName?, countsTowardSupervisor? }, got ${describeValue(spec)}.`);
    }
    for (const key of Object.keys(spec)) {
      if (!OPTION_KEYS.includes(key)) throw new OpenRtcConfigError(`Unknown simulateSession() option '${key}'. Known options: ${OPTION_KEYS.join(', ')}.`);
    }
    const { agent, metadata, roomName, audio, turns, countsTowardSupervisor } = spec;
    const registered = () => this.registry.names().join(', ') || '(none)';
    if (agent !== undefined) {
      if (typeof agent !== 'string' || agent.trim() === '') fail('agent', agent, 'pass the name of a registered agent');
      if (!this.registry.find(agent.trim())) fail('agent', agent, `no agent has that name; pass one of the registered agents: ${registered()}`);
    }
    if (metadata !== undefined && (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata))) fail('metadata', metadata, 'pass an object');
    if (roomName !== undefined && (typeof roomName !== 'string' || roomName === '')) fail('roomName', roomName, 'pass a non-empty string');
    if (countsTowardSupervisor !== undefined && typeof countsTowardSupervisor !== 'boolean') fail('countsTowardSupervisor', countsTowardSupervisor, 'pass true or false');
    if (audio !== undefined) this.checkAudio(audio, fail);
    if (turns !== undefined && (!Array.isArray(turns) || turns.some((turn) => typeof turn !== 'string' || turn.trim() === ''))) {
      fail('turns', turns, "pass an array of the caller's lines, each a non-empty string");
    }
    this.count += 1;
    const jobId = `SIM_${process.pid}_${this.count}`;
    const job = new Job({
      id: jobId,
      type: JobType.JT_ROOM,
      metadata: JSON.stringify({ ...metadata, ...(agent ? { agent } : {}) }),
      room: new RoomInfo({ name: roomName ?? `simulated-${this.count}`, sid: `RM_${jobId}` }),
    });
    try {
      // metadata.agent (or demo) naming an agent this worker does not have would fail the session.
      this.resolver.resolveSignal(job);
    } catch (error) {
      if (!(error instanceof AgentRoutingError)) throw error;
      throw new OpenRtcConfigError(`simulateSession() option 'metadata': ${error.message} Registered agents: ${registered()}.`);
    }
    return job;
  }

  private checkAudio(audio: unknown, fail: (option: string, value: unknown, fix: string) => never): void {
    const fix = 'pass the path of a readable 16 kHz mono PCM16 WAV file';
    if (typeof audio !== 'string' || audio === '') fail('audio', audio, fix);
    const path = audio as string;
    if (this.checkedAudio.has(path)) return;
    try {
      accessSync(path, constants.R_OK);
      parseWav(readFileSync(path), path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      fail('audio', audio, `${code ? `the file cannot be read (${code})` : (error as Error).message}; ${fix}`);
    }
    this.checkedAudio.add(path);
  }
}

/**
 * A promise for one event of a simulated session, settled through `waiters` by the runtime (with
 * `read` turning the runtime's value into the caller's). A session that ends first never will: the
 * promise then rejects instead of leaving callers waiting.
 */
function sessionEvent<V, T>(waiters: Map<string, (value: V) => void>, jobId: string, outcome: Promise<SessionOutcome>, event: string, read: (value: V) => T): Promise<T> {
  const promise = new Promise<T>((resolve, reject) => {
    waiters.set(jobId, (value) => resolve(read(value)));
    void outcome.then((ended) => {
      if (waiters.delete(jobId)) reject(new Error(`Session '${jobId}' ended (${ended.status}) before it ${event}.`, { cause: ended.error }));
    });
  });
  promise.catch(() => undefined); // callers that only await the outcome must not see an unhandled rejection
  return promise;
}
