// Shared by the two probes: which copies of @livekit/agents this process loaded, as JSON on stdout.
const { existsSync, readFileSync } = require('node:fs');

const AGENTS_FILE = /[\\/]@livekit[\\/]agents[\\/]dist[\\/]/;

function loadedAgents() {
  const log = process.env.OPENRTC_PROBE_ESM_LOG;
  const esm = log && existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
  return {
    // CommonJS loads, whoever asked for them (an ESM import of a CJS file lands here too).
    cjsAgentsFiles: Object.keys(require.cache).filter((file) => AGENTS_FILE.test(file)),
    esmAgentsFiles: esm.filter((url) => !url.endsWith('.cjs')),
  };
}

function report(result) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

module.exports = { loadedAgents, report };
