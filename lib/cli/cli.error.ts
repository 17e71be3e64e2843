/**
 * A problem the user fixes (a flag, the app path, the environment): the CLI prints its message as
 * one line and exits non-zero, without a stack.
 */
export class CliError extends Error {
  override name = 'CliError';

  /** `exitCode` 2: the command line itself was wrong (usage); 1: what it asked for failed. */
  constructor(message: string, readonly exitCode: 1 | 2 = 1) {
    super(message);
  }
}
