import type { OpenRtcModuleOptions } from './openrtc-options.interface.js';

// The `openrtc` CLI parses its flags before it boots the user's app; the module reads them back here.
// Keyed on globalThis so the ESM and CJS builds of this package see the same value.
const KEY = Symbol.for('@openrtc/nestjs:cli-overrides');
type Holder = { [KEY]?: OpenRtcModuleOptions };

export function setCliOverrides(options: OpenRtcModuleOptions | undefined): void {
  (globalThis as Holder)[KEY] = options;
}

export function getCliOverrides(): OpenRtcModuleOptions | undefined {
  return (globalThis as Holder)[KEY];
}
