// Module hooks (registered by track-esm-loads.mjs): append the URL of every @livekit/agents file the
// ESM loader loads to a log file. require() does not pass through these hooks on Node 20; the
// probes read require.cache for that side.
import { appendFileSync } from 'node:fs';

let logFile;

export function initialize(data) {
  logFile = data.logFile;
}

export async function load(url, context, nextLoad) {
  if (url.includes('/@livekit/agents/dist/')) appendFileSync(logFile, `${url}\n`);
  return nextLoad(url, context);
}
