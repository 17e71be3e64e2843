import { Logger } from '@nestjs/common';
import { ownerOfPromise } from './session-scope.js';

const logger = new Logger('OpenRTC');
let users = 0;

// A rejection nobody handles inside one session (agent code, a plugin, an un-awaited promise in a
// library) would, by Node's default, crash the process: in a worker holding many sessions, one
// session's fault would end every call.
function onUnhandledRejection(reason: unknown, promise: Promise<unknown>): void {
  const owner = ownerOfPromise(promise);
  if (owner) {
    owner.onUnhandledRejection(reason);
    return;
  }
  logger.error(`Unhandled rejection outside any session: ${(reason as Error)?.stack ?? reason}`);
}

/** Installs the process-wide guard while at least one coroutine pool runs. Returns the release. */
export function guardUnhandledRejections(): () => void {
  if (users++ === 0) process.on('unhandledRejection', onUnhandledRejection);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--users === 0) process.off('unhandledRejection', onUnhandledRejection);
  };
}
