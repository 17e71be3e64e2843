import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ProcessAgentSpec } from './process-agent.js';

/** The built process-agent module next to this file (from the TypeScript source: its dist/esm twin). */
function processAgentModule(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) return join(dirname(here), '../../../dist/esm/runtime/process/process-agent.js').replace(/\\/g, '/');
  return join(dirname(here), 'process-agent.js');
}

/**
 * Writes the file upstream's process pool hands to each child (`ServerOptions.agent`): it builds the
 * agent for one app module, in this build's module format. Returns its path and a cleanup.
 */
export function writeProcessEntry(spec: ProcessAgentSpec): { path: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'openrtc-worker-'));
  const isCommonJs = typeof require === 'function';
  const target = processAgentModule();
  const path = join(dir, isCommonJs ? 'entry.cjs' : 'entry.mjs');
  const source = isCommonJs
    ? `module.exports = require(${JSON.stringify(target)}).createProcessAgent(${JSON.stringify(spec)});\n`
    : `import { createProcessAgent } from ${JSON.stringify(pathToFileURL(target).href)};\nexport default createProcessAgent(${JSON.stringify(spec)});\n`;
  writeFileSync(path, source);
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
