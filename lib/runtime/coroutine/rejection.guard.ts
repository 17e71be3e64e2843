import { Logger } from '@nestjs/common';
import { ownerOfPromise } from './session-scope.js';

const logger = new Logger('OpenRTC');
let users = 0;

// Upstream code has un-awaited promises that reject during normal teardown (e.g. VADStream's
// pump after close: "Releasing reader"). In a worker that holds many sessions, Node's default
// (crash on unhandled rejection) would take every call down with one session's fault.
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
