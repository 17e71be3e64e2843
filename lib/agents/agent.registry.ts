import { Inject, Injectable, type Type } from '@nestjs/common';
import { voice } from '@livekit/agents';
import { OpenRtcConfigError, describeValue } from '../errors/openrtc.errors.js';
import { OPENRTC_RESOLVED_OPTIONS } from '../openrtc.constants.js';
import type { ResolvedOpenRtcOptions } from '../options/openrtc-options.interface.js';
import type { AgentConfig, AgentDiscoveryConfig } from './agent-config.interface.js';
import { defaultAgentName, validateAgentName } from './agent-name.js';
import { checkAgentSettings } from './agent-settings.js';

const OPTION_KEYS = ['name', 'stt', 'llm', 'tts', 'greeting', 'sessionOptions'];

/** The registered agents, in registration order (which is also the fallback order). */
@Injectable()
export class AgentRegistry {
  private readonly agents = new Map<string, AgentConfig>();

  constructor(@Inject(OPENRTC_RESOLVED_OPTIONS) private readonly options: ResolvedOpenRtcOptions) {}

  get size(): number {
    return this.agents.size;
  }

  list(): AgentConfig[] {
    return [...this.agents.values()];
  }

  names(): string[] {
    return [...this.agents.keys()];
  }

  find(name: string): AgentConfig | undefined {
    return this.agents.get(name);
  }

  /**
   * Validates and registers one agent class: discovered with its `@Agent()` options, or added with
   * `pool.add(name, ...)` (an explicit name). Errors say which of the two, so a pool.add() mistake
   * does not point at a decorator that was never there.
   */
  register(agentClass: unknown, metadata: AgentDiscoveryConfig, explicitName?: string): AgentConfig {
    const cls = assertAgentClass(agentClass, explicitName === undefined ? '@Agent()' : 'pool.add()');
    const config = toAgentConfig(cls, metadata, explicitName, this.options);
    const existing = this.agents.get(config.name);
    if (existing) {
      throw new OpenRtcConfigError(
        `Agent '${config.name}' is already registered by class ${existing.agentClass.name}; class ${cls.name} asks for the same name. ` +
          `Give one of them another name with @Agent({ name: '...' }).`,
      );
    }
    this.agents.set(config.name, config);
    return config;
  }

  remove(name: string): AgentConfig {
    const config = this.agents.get(name);
    if (!config) throw new OpenRtcConfigError(`Unknown agent '${name}'. Registered agents: ${this.names().join(', ') || '(none)'}.`);
    this.agents.delete(name);
    return config;
  }
}

/** `source` says how the class came in: `@Agent()` (discovered) or `pool.add()`. */
function assertAgentClass(value: unknown, source: string): Type<voice.Agent> {
  if (typeof value !== 'function') {
    throw new OpenRtcConfigError(`An agent must be a class that extends voice.Agent from @livekit/agents, got ${describeValue(value)}.`);
  }
  if (value.prototype instanceof voice.Agent) return value as Type<voice.Agent>;
  // A class can extend another copy of voice.Agent when the app loads @livekit/agents as both ESM and CJS.
  let proto = Object.getPrototypeOf(value.prototype);
  while (proto && proto.constructor?.name !== 'Agent') proto = Object.getPrototypeOf(proto);
  const hint = proto
    ? ' It extends a different copy of Agent: the app loads @livekit/agents twice (as ESM and as CommonJS). Load it in one module format only.'
    : ' Make it extend voice.Agent (import { voice } from "@livekit/agents").';
  throw new OpenRtcConfigError(`${source} class ${value.name || '(anonymous)'} does not extend voice.Agent from @livekit/agents.${hint}`);
}

function toAgentConfig(cls: Type<voice.Agent>, metadata: AgentDiscoveryConfig, explicitName: string | undefined, options: ResolvedOpenRtcOptions): AgentConfig {
  const where = explicitName === undefined ? `@Agent() on class ${cls.name}` : `pool.add() of class ${cls.name}`;
  if (metadata === null || typeof metadata !== 'object') {
    throw new OpenRtcConfigError(`${where}: options must be an object, got ${describeValue(metadata)}.`);
  }
  for (const key of Object.keys(metadata)) {
    if (!OPTION_KEYS.includes(key)) throw new OpenRtcConfigError(`${where}: unknown option '${key}'. Known options: ${OPTION_KEYS.join(', ')}.`);
  }
  const name = explicitName !== undefined
    ? validateAgentName(explicitName, `Agent name for class ${cls.name}`)
    : metadata.name !== undefined
      ? validateAgentName(metadata.name, `${where}: option 'name'`)
      : validateAgentName(defaultAgentName(cls.name), `${where}: the name derived from the class name`);
  checkAgentSettings(metadata as Record<string, unknown>, (key) => `${where}: option '${key}'`);
  const sessionOptions = metadata.sessionOptions === undefined ? {} : metadata.sessionOptions;
  if (typeof sessionOptions !== 'object' || sessionOptions === null || Array.isArray(sessionOptions)) {
    throw new OpenRtcConfigError(`${where}: option 'sessionOptions' must be an object of AgentSession options, got ${describeValue(sessionOptions)}.`);
  }
  // Option `agents` (validated with the module options) beats the class's own settings, which beat `defaults`.
  const configured = options.agents?.[name] ?? {};
  const defaults = options.defaults;
  return Object.freeze({
    name,
    agentClass: cls,
    stt: configured.stt ?? metadata.stt ?? defaults.stt,
    llm: configured.llm ?? metadata.llm ?? defaults.llm,
    tts: configured.tts ?? metadata.tts ?? defaults.tts,
    greeting: configured.greeting?.trim() ?? metadata.greeting?.trim() ?? defaults.greeting?.trim(),
    sessionOptions: { ...sessionOptions, ...configured.sessionOptions },
  });
}
