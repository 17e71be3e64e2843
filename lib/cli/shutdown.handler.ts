import type { INestApplicationContext } from '@nestjs/common';

const EXIT_CODES: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/**
 * Like LiveKit's own CLI: SIGINT or SIGTERM drains and closes the app (Nest's shutdown hooks run
 * the pool's drain, then its close), then the process exits 130 / 143 (or the exit code the app
 * set, e.g. 1 after the failure limit). A second Ctrl+C while draining exits at once.
 */
export function exitOnShutdownSignals(app: INestApplicationContext, say: (message: string) => void): void {
  app.enableShutdownHooks(['SIGINT', 'SIGTERM']);
  let closed = false;
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (!closing) {
      closing = true;
      say(`${signal} received: draining running sessions, then closing${signal === 'SIGINT' ? ' (Ctrl+C again to force exit)' : ''}.`);
      // Nest's own listener has started the shutdown; close() returns that same shutdown.
      void app.close().then(
        () => (closed = true),
        () => (closed = true),
      );
      return;
    }
    // Either Nest re-raised the signal after closing (its way to end the process), or the user insists.
    if (!closed) process.stderr.write('Force exit (signal received twice).\n');
    process.exit(Number(process.exitCode) || EXIT_CODES[signal] || 1);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
