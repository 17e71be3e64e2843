import type { AgentConfig } from '../agents/agent-config.interface.js';
import { providerLabel } from '../agents/provider-value.js';

/** One agent as `openrtc list` shows it: names and labels only, never a provider's settings (they may hold keys). */
export interface ListedAgent {
  name: string;
  class: string;
  providers: { stt: string | null; llm: string | null; tts: string | null };
  greeting: string | null;
}

export function listedAgent(agent: AgentConfig): ListedAgent {
  return {
    name: agent.name,
    class: agent.agentClass.name,
    providers: { stt: providerLabel(agent.stt), llm: providerLabel(agent.llm), tts: providerLabel(agent.tts) },
    greeting: agent.greeting ?? null,
  };
}

const GREETING_WIDTH = 60;

/** A plain-text table, one row per agent. */
export function agentsTable(agents: ListedAgent[]): string {
  const rows = agents.map((agent) => [
    agent.name,
    agent.class,
    agent.providers.stt ?? '-',
    agent.providers.llm ?? '-',
    agent.providers.tts ?? '-',
    truncate(agent.greeting ?? '-', GREETING_WIDTH),
  ]);
  const header = ['NAME', 'CLASS', 'STT', 'LLM', 'TTS', 'GREETING'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

function truncate(text: string, width: number): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length <= width ? flat : `${flat.slice(0, width - 1)}…`;
}
