import { Inject } from '@nestjs/common';
import { OPENRTC_AGENT_SESSION } from '../openrtc.constants.js';

/**
 * Injects the live `voice.AgentSession` of the current call into an `@Agent()` class or a
 * request-scoped service it injects (resolved per session, in the process that runs the call).
 * The session is built but not yet started while constructors run: subscribe to its events there.
 * @publicApi
 */
export const InjectAgentSession = (): PropertyDecorator & ParameterDecorator => Inject(OPENRTC_AGENT_SESSION);
