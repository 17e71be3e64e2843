/** Messages between the demo (parent) and the worker it runs per isolation mode (over the IPC channel). */
export type WorkerMessage =
  | { kind: 'booted'; agents: string[] }
  | { kind: 'progress'; started: number; answered: number; total: number }
  | { kind: 'in-call' }
  | { kind: 'result'; result: ModeResult };

export type ParentMessage = { kind: 'hang-up' };

export interface ModeResult {
  isolation: string;
  sessions: number;
  succeeded: number;
  /** Calls whose agent answered the caller (its reply after the caller's turn) before the deadline. */
  answered: number;
  startLatenciesMs: number[];
  prewarmCount: number;
  /** Bookings the calls' tools made, read from the app's services (coroutine mode only: in process mode they live in each child). */
  bookings?: { tables: number; appointments: number };
}
