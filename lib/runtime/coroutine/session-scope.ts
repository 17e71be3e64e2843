import { AsyncLocalStorage } from 'node:async_hooks';

/** What can go wrong in a session's async work without anyone catching it. */
export type FaultKind = 'uncaught exception' | 'unhandled rejection';

/** Whoever runs a session's async work; told when a fault nobody handled came from it. */
export interface SessionOwner {
  onFault(kind: FaultKind, error: unknown): void;
}

const scope = new AsyncLocalStorage<SessionOwner>();

/** Runs `fn` so that every promise, timer and immediate it creates belongs to `owner`. */
export function runInSession<T>(owner: SessionOwner, fn: () => T): T {
  return scope.run(owner, fn);
}

/**
 * The session whose callback is running now. Node runs an 'uncaughtException' listener inside the
 * throwing callback's async context, so this names the session of a timer or immediate that threw.
 */
export function currentOwner(): SessionOwner | undefined {
  return scope.getStore();
}

/**
 * The session a rejected promise belongs to. AsyncLocalStorage keeps its store on each promise
 * under a symbol-keyed field (Node's kResourceStore); reading it back is the only way to learn which
 * session an unhandled rejection came from. Returns undefined when it cannot tell.
 */
export function ownerOfPromise(promise: Promise<unknown>): SessionOwner | undefined {
  for (const symbol of Object.getOwnPropertySymbols(promise)) {
    const value = (promise as unknown as Record<symbol, unknown>)[symbol];
    if (value && typeof (value as SessionOwner).onFault === 'function') return value as SessionOwner;
  }
  return scope.getStore();
}
