/** Injection token of the per-session context (see `@InjectSession()`). @publicApi */
export const OPENRTC_SESSION = Symbol.for('@openrtc/nestjs:session');
/** Injection token of the current call's live `voice.AgentSession` (see `@InjectAgentSession()`). @publicApi */
export const OPENRTC_AGENT_SESSION = Symbol.for('@openrtc/nestjs:agent-session');
/** Metadata key under which `@Agent()` stores its options. */
export const AGENT_METADATA = '@openrtc/nestjs:agent';
/** Injection token of the resolved module options. */
export const OPENRTC_RESOLVED_OPTIONS = Symbol.for('@openrtc/nestjs:resolved-options');
/**
 * The AgentPool under a token every copy of this package shares (ESM and CJS builds, another
 * install): the `openrtc` CLI finds the pool of the app it booted by it.
 */
export const OPENRTC_POOL = Symbol.for('@openrtc/nestjs:pool');
/**
 * How the session layer asks for larger room-input frames: provided by the module from the runtime's
 * internals file (the only one that touches @livekit/agents internals), so the session layer need not import it.
 */
export const OPENRTC_ROOM_INPUT_FRAMES = Symbol.for('@openrtc/nestjs:room-input-frames');
