import { currentOwner, ownerOfPromise, type FaultKind } from './session-scope.js';

/** A fault no session owns: the process's state is in doubt. */
export interface UnattributedFault {
  kind: FaultKind;
  error: unknown;
}

const handlers = new Set<(fault: UnattributedFault) => void>();

// By Node's default an uncaught exception or an unhandled rejection ends the process: in a worker
// holding many sessions, one session's fault would end every call. A fault that belongs to a
// session goes to it; any other goes to each running worker's policy.
function onUncaughtException(error: unknown): void {
  const owner = currentOwner();
  if (owner) owner.onFault('uncaught exception', error);
  else for (const handler of handlers) handler({ kind: 'uncaught exception', error });
}

function onUnhandledRejection(reason: unknown, promise: Promise<unknown>): void {
  const owner = ownerOfPromise(promise);
  if (owner) owner.onFault('unhandled rejection', reason);
  else for (const handler of handlers) handler({ kind: 'unhandled rejection', error: reason });
}

/**
 * Installs the process-wide handlers while at least one coroutine worker runs; `unattributed` hears
 * the faults no session owns. Returns the release.
 */
export function guardFaults(unattributed: (fault: UnattributedFault) => void): () => void {
  const handler = (fault: UnattributedFault) => unattributed(fault);
  if (handlers.size === 0) {
    process.on('uncaughtException', onUncaughtException);
    process.on('unhandledRejection', onUnhandledRejection);
  }
  handlers.add(handler);
  return () => {
    if (!handlers.delete(handler) || handlers.size > 0) return;
    process.off('uncaughtException', onUncaughtException);
    process.off('unhandledRejection', onUnhandledRejection);
  };
}
