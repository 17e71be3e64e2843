// What the numbers were measured on: they hold for this machine only.
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

// Read from node_modules directly: some of these packages do not export their package.json.
const version = (root, name) => {
  try {
    return JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
};

export function describeMachine(root) {
  let distro = null;
  try {
    distro = /PRETTY_NAME="([^"]+)"/.exec(execSync('cat /etc/os-release', { encoding: 'utf8' }))?.[1] ?? null;
  } catch {
    // not Linux-like
  }
  return {
    host: os.hostname(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: distro,
    kernel: os.release(),
    node: process.version,
    loadAverageAtStart: os.loadavg().map((v) => Math.round(v * 100) / 100),
    packages: Object.fromEntries(['@livekit/agents', '@livekit/agents-plugin-silero', '@livekit/local-inference', '@livekit/rtc-node', '@nestjs/core'].map((n) => [n, version(root, n)])),
  };
}
