import { initializeLogger, llm, voice } from '@livekit/agents';
import { onFirstAnswer } from '../../lib/session/first-answer.js';

// A real (unstarted) AgentSession: the conversation items are the ones a running session emits.
function added(session: voice.AgentSession, role: llm.ChatRole, text: string): void {
  session.emit(voice.AgentSessionEventTypes.ConversationItemAdded, voice.createConversationItemAddedEvent(llm.ChatMessage.create({ role, content: text })));
}

describe('onFirstAnswer', () => {
  beforeAll(() => initializeLogger({ pretty: false, level: 'fatal' }));

  it("reports the agent's first reply after the caller spoke, once; a greeting before it is no answer", () => {
    const session = new voice.AgentSession({});
    const answers: string[] = [];
    onFirstAnswer(session, (text) => answers.push(text));

    added(session, 'assistant', 'Harbor Dental, how can I help you today?');
    expect(answers).toEqual([]);
    added(session, 'user', 'I need a cleaning.');
    added(session, 'assistant', 'You are booked: Tuesday at nine.');
    added(session, 'user', 'Thanks!');
    added(session, 'assistant', 'Goodbye.');

    expect(answers).toEqual(['You are booked: Tuesday at nine.']);
    expect(session.listenerCount(voice.AgentSessionEventTypes.ConversationItemAdded)).toBe(0);
  });

  it('keeps waiting while the caller has not spoken', () => {
    const session = new voice.AgentSession({});
    const answers: string[] = [];
    onFirstAnswer(session, (text) => answers.push(text));
    added(session, 'system', 'Be brief.');
    added(session, 'assistant', 'Hello?');
    expect(answers).toEqual([]);
    expect(session.listenerCount(voice.AgentSessionEventTypes.ConversationItemAdded)).toBe(1);
  });
});
