import type { voice } from '@livekit/agents';
import { OpenRtcConfigError } from '../errors/openrtc.errors.js';
import type { OpenRtcSession } from './session-context.interface.js';

/** Each session's AgentSession, by the session object its DI context was registered with. */
const sessions = new WeakMap<object, voice.AgentSession>();

/** Makes `session` what `@InjectAgentSession()` yields in the DI context of `info`. */
export function bindAgentSession(info: OpenRtcSession, session: voice.AgentSession): void {
  sessions.set(info, session);
}

/** The AgentSession of the DI context whose request is `request`. */
export function agentSessionOf(request: unknown): voice.AgentSession {
  const session = request !== null && typeof request === 'object' ? sessions.get(request) : undefined;
  if (!session) {
    throw new OpenRtcConfigError(
      '@InjectAgentSession() has no AgentSession here: it is resolved only in a session\'s DI context, i.e. in an @Agent() class or a ' +
        'request-scoped service it injects (resolved per session). A singleton cannot hold one call\'s session; use @OnSessionStart() or a request-scoped provider.',
    );
  }
  return session;
}
