import { setCliDefaults, setCliOverrides } from '../../options/cli-overrides.js';
import { missingLlmWarning } from '../../agents/agent-llm.check.js';
import { agentsTable, listedAgent } from '../agents.table.js';
import { createAppContext } from '../app-context.factory.js';
import { AppModuleLoader } from '../app-module.loader.js';
import { resolveAppTarget } from '../app-target.js';
import type { CliIo } from '../cli.context.js';
import { CliError } from '../cli.error.js';

/** Bumped when the JSON shape changes incompatibly. */
export const LIST_SCHEMA_VERSION = 1;

/** `openrtc list`: boots the app without starting its worker and prints the registered agents. */
export async function runList(flags: Record<string, string | boolean | undefined>, io: CliIo): Promise<void> {
  const target = resolveAppTarget(flags.app as string | undefined);
  setCliDefaults(undefined);
  setCliOverrides({ autoStart: false });
  const loader = new AppModuleLoader(target);
  const rootModule = await loader.loadRootModule();
  const { app, pool } = await createAppContext(loader, rootModule, ['fatal', 'error', 'warn'], { stderrOnly: true });
  const configs = pool.list();
  const agents = configs.map(listedAgent);
  await app.close();
  if (agents.length === 0) {
    throw new CliError(`${target.display} registers no agents: decorate a voice.Agent subclass with @Agent() and list it in a module's providers.`);
  }
  // On stderr, so `list --json` stays parseable.
  for (const warning of configs.map(missingLlmWarning)) if (warning) io.say(`warning: ${warning}`);
  if (flags.json) io.out(JSON.stringify({ schema_version: LIST_SCHEMA_VERSION, command: 'list', app: target.display, agents }, null, 2));
  else io.out(agentsTable(agents));
}
