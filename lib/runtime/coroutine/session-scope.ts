import { AsyncLocalStorage } from 'node:async_hooks';

/** Whoever runs a session's async work; told when a rejection nobody handled came from it. */
export interface SessionOwner {
  onUnhandledRejection(reason: unknown): void;
}

const scope = new AsyncLocalStorage<SessionOwner>();

/** Runs `fn` so that every promise it creates belongs to `owner`. */
export function runInSession<T>(owner: SessionOwner, fn: () => T): T {
  return scope.run(owner, fn);
}

/**
 * The session a rejected promise belongs to. AsyncLocalStorage keeps its store on each promise
 * under a symbol-keyed field (Node's kResourceStore); reading it back is the only way to learn which
 * session an unhandled rejection came from. Returns undefined when it cannot tell.
 */
export function ownerOfPromise(promise: Promise<unknown>): SessionOwner | undefined {
  for (const symbol of Object.getOwnPropertySymbols(promise)) {
    const value = (promise as unknown as Record<symbol, unknown>)[symbol];
    if (value && typeof (value as SessionOwner).onUnhandledRejection === 'function') return value as SessionOwner;
  }
  return scope.getStore();
}
