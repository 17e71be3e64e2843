import type { OpenRtcModuleOptions } from './openrtc-options.interface.js';

// The `openrtc` CLI parses its flags before it boots the user's app; the module reads them back here.
// Keyed on globalThis so the ESM and CJS builds of this package see the same value.
const KEY = Symbol.for('@openrtc/nestjs:cli-overrides');
const DEFAULTS_KEY = Symbol.for('@openrtc/nestjs:cli-defaults');
type Holder = { [KEY]?: OpenRtcModuleOptions; [DEFAULTS_KEY]?: OpenRtcModuleOptions };

/** The CLI layer: flags the user passed. Beats every other layer. */
export function setCliOverrides(options: OpenRtcModuleOptions | undefined): void {
  (globalThis as Holder)[KEY] = options;
}

export function getCliOverrides(): OpenRtcModuleOptions | undefined {
  return (globalThis as Holder)[KEY];
}

/**
 * A command's own defaults (`openrtc dev`: debug logs, no session limit): above the library
 * defaults, below everything the user set (forRoot(), environment, flags).
 */
export function setCliDefaults(options: OpenRtcModuleOptions | undefined): void {
  (globalThis as Holder)[DEFAULTS_KEY] = options;
}

export function getCliDefaults(): OpenRtcModuleOptions | undefined {
  return (globalThis as Holder)[DEFAULTS_KEY];
}
