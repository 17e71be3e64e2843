import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AppModuleLoader } from '../app-module.loader.js';
import { resolveAppTarget } from '../app-target.js';
import { bootLogLevel, type CliIo } from '../cli.context.js';
import { CliError } from '../cli.error.js';

const PLUGIN_PREFIX = 'agents-plugin-';

/**
 * `openrtc download-files`: loads the app module (plugins it imports register themselves), then
 * every @livekit/agents-plugin-* package installed next to it (OpenRTC imports its plugins lazily),
 * and runs each registered plugin's download step. Connects to nothing and starts no worker.
 */
export async function runDownloadFiles(flags: Record<string, string | boolean | undefined>, io: CliIo): Promise<void> {
  const target = resolveAppTarget(flags.app as string | undefined);
  const loader = new AppModuleLoader(target);
  await loader.loadRootModule();
  const agents = await loader.load<typeof import('@livekit/agents')>('@livekit/agents');
  agents.initializeLogger({ pretty: true, level: bootLogLevel(flags['log-level'], 'info') });
  for (const name of installedPlugins(dirname(target.path))) {
    try {
      await loader.load(name);
    } catch (error) {
      io.say(`skipping ${name}: it did not load (${(error as Error)?.message?.split('\n')[0] ?? error}).`);
    }
  }
  const plugins = [...new Set(agents.Plugin.registeredPlugins)];
  if (plugins.length === 0) {
    io.say('no LiveKit plugins are installed: nothing to download.');
    return;
  }
  const failures: string[] = [];
  for (const plugin of plugins) {
    io.say(`downloading files for ${plugin.title} (${plugin.package}@${plugin.version})`);
    try {
      await plugin.downloadFiles();
    } catch (error) {
      failures.push(`${plugin.title}: ${(error as Error)?.message?.split('\n')[0] ?? error}`);
    }
  }
  if (failures.length > 0) {
    throw new CliError(`Downloading failed for ${failures.length} plugin(s): ${failures.join('; ')}. Check the network and run 'openrtc download-files' again.`);
  }
  io.say(`done: ${plugins.map((plugin) => plugin.title).join(', ')}.`);
}

/** @livekit/agents-plugin-* packages in every node_modules above `dir`, nearest first. */
function installedPlugins(dir: string): string[] {
  const names = new Set<string>();
  for (let current = dir; ; current = dirname(current)) {
    const scope = join(current, 'node_modules', '@livekit');
    if (existsSync(scope)) {
      for (const entry of readdirSync(scope)) {
        if (entry.startsWith(PLUGIN_PREFIX) && existsSync(join(scope, entry, 'package.json'))) names.add(`@livekit/${entry}`);
      }
    }
    if (dirname(current) === current) return [...names];
  }
}
