// Types of scripts/live-caller.mjs, for the TypeScript tests and demo that import it.
import type { ChildProcess } from 'node:child_process';

export declare const DEFAULT_SPEECH: string;
export declare const SOUND_RMS: number;

/** What a caller reports; `at` is epoch milliseconds (performance.timeOrigin + now()). */
export type CallerEvent =
  | { kind: 'joined'; at: number; identity: string; room: string; trackSid: string }
  | { kind: 'participant-joined'; at: number; participant: string; agent: boolean }
  | { kind: 'participant-left'; at: number; participant: string }
  | { kind: 'agent-track'; at: number; participant: string; trackSid: string }
  | { kind: 'agent-audio'; at: number; participant: string; rms: number }
  | { kind: 'agent-audio-end'; at: number; participant: string }
  | { kind: 'speech-started'; at: number }
  | { kind: 'speech-ended'; at: number; startedAt: number }
  | { kind: 'transcription'; at: number; speaker: 'agent' | 'caller'; text: string; final: boolean; segmentId?: string; from: string }
  | { kind: 'transcription-broken'; at: number; from: string; message: string }
  | { kind: 'connect-retry'; at: number; attempt: number; message: string }
  | { kind: 'disconnected'; at: number; reason: number }
  | { kind: 'error'; at: number; message: string };

export type CallerEventKind = CallerEvent['kind'];
export type EventOf<K extends CallerEventKind> = Extract<CallerEvent, { kind: K }>;

export interface CallerOptions {
  server: { url: string; apiKey: string; apiSecret: string };
  room: string;
  identity?: string;
  /** A 16-bit PCM mono WAV; default assets/speech-16k.wav. */
  audio?: string;
  /** Token dispatch: the room configuration asks LiveKit to dispatch this agent. */
  dispatch?: { agentName?: string; metadata?: string };
  /** The room's metadata, set through the token's room configuration when this join creates the room. */
  roomMetadata?: string;
  onEvent?: (event: CallerEvent) => void;
  joinTimeoutMs?: number;
}

export declare class CallerHandle {
  readonly child: ChildProcess;
  readonly identity: string;
  readonly room: string;
  readonly events: CallerEvent[];
  readonly stderr: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  all<K extends CallerEventKind>(kind: K, predicate?: (event: EventOf<K>) => boolean): Array<EventOf<K>>;
  waitFor<K extends CallerEventKind>(kind: K, predicate?: (event: EventOf<K>) => boolean, timeoutMs?: number): Promise<EventOf<K>>;
  speak(timeoutMs?: number): Promise<{ startedAt: number; endedAt: number }>;
  leave(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export declare function startCaller(options: CallerOptions): Promise<CallerHandle>;
