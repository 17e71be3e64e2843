import { voice } from '@livekit/agents';
import type { SessionProgress } from './session.table.js';

/** Follows a running AgentSession's state and turns; `report` gets each change (in either isolation). */
export function watchAgentSession(session: voice.AgentSession, report: (progress: SessionProgress) => void): void {
  let turns = 0;
  let replies = 0;
  session.on(voice.AgentSessionEventTypes.AgentStateChanged, (event) => report({ state: event.newState }));
  session.on(voice.AgentSessionEventTypes.ConversationItemAdded, (event) => {
    const role = (event.item as { role?: string }).role;
    if (role === 'user') turns += 1;
    else if (role === 'assistant') replies += 1;
    else return;
    report({ turns, replies });
  });
  session.on(voice.AgentSessionEventTypes.Close, () => report({ state: 'ending' }));
  report({ state: session.agentState });
}
