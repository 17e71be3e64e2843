import { Inject } from '@nestjs/common';
import { OPENRTC_SESSION } from '../openrtc.constants.js';

/** Injects the current session's `OpenRtcSession` into an agent or a request-scoped service. @publicApi */
export const InjectSession = (): PropertyDecorator & ParameterDecorator => Inject(OPENRTC_SESSION);
