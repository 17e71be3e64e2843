import { llm } from '@livekit/agents';

/**
 * Runs a service call from a function tool, turning its business errors ("no table left") into a
 * ToolError: the model gets the message and can tell the caller.
 */
export function attempt<T>(action: () => T): T {
  try {
    return action();
  } catch (error) {
    throw new llm.ToolError((error as Error).message);
  }
}
