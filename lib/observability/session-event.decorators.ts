
/** Metadata key under which the session event decorators store their kinds. */
export const SESSION_EVENT_METADATA = '@openrtc/nestjs:session-event';

export type SessionEventKind = 'start' | 'end' | 'failed';

// Appends, so one method may carry several of them (as @OnEvent() stacks).
const decorator = (kind: SessionEventKind): MethodDecorator => (_target, _key, descriptor) => {
  const method = descriptor.value as object;
  const kinds: SessionEventKind[] = Reflect.getMetadata(SESSION_EVENT_METADATA, method) ?? [];
  Reflect.defineMetadata(SESSION_EVENT_METADATA, [...kinds, kind], method);
  return descriptor;
};

/**
 * Calls the method with a `SessionEventInfo` when a session's AgentSession runs. Any provider or
 * controller of the app may carry it; handlers run in the worker process (in process isolation
 * too) behind an isolation boundary: a throw or a slow handler is logged and never affects the call.
 * @publicApi
 */
export const OnSessionStart = (): MethodDecorator => decorator('start');

/** Calls the method with `(SessionEventInfo, SessionEndOutcome)` when any session ended and was torn down. @publicApi */
export const OnSessionEnd = (): MethodDecorator => decorator('end');

/** Calls the method with `(SessionEventInfo, SessionEndOutcome)` when a session ended as failed. @publicApi */
export const OnSessionFailed = (): MethodDecorator => decorator('failed');
