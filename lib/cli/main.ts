#!/usr/bin/env node
// The `openrtc` bin (package.json "bin"). See cli.ts for the commands and cli.commands.ts for their flags.
import { runCli } from './cli.js';

void runCli(process.argv.slice(2)).then((code) => {
  if (code === undefined) return; // a worker: runs until SIGINT/SIGTERM
  process.exitCode = code;
  // list, download-files, help and errors are done: do not wait for timers a library left behind.
  setImmediate(() => process.exit(code));
});
