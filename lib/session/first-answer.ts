import { voice } from '@livekit/agents';

/**
 * Calls `onAnswer` once, with the text of the agent's first reply to the caller: the first assistant
 * message added to the conversation after a user message. A greeting before the caller spoke is not
 * an answer; tool calls in between are part of it (the reply comes after their outputs).
 */
export function onFirstAnswer(session: voice.AgentSession, onAnswer: (text: string) => void): void {
  let callerSpoke = false;
  const listener = ({ item }: voice.ConversationItemAddedEvent) => {
    if (item.type !== 'message') return;
    if (item.role === 'user') {
      callerSpoke = true;
    } else if (item.role === 'assistant' && callerSpoke) {
      session.off(voice.AgentSessionEventTypes.ConversationItemAdded, listener);
      onAnswer(item.textContent ?? '');
    }
  };
  session.on(voice.AgentSessionEventTypes.ConversationItemAdded, listener);
}
