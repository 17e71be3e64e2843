// Set in a process-mode child before it boots the app, so the app's OpenRtcModule serves the
// child's one job instead of starting a worker of its own. On globalThis: both builds see it.
const KEY = Symbol.for('@openrtc/nestjs:process-child');

export function markProcessChild(): void {
  (globalThis as Record<symbol, unknown>)[KEY] = true;
}

export function isProcessChild(): boolean {
  return (globalThis as Record<symbol, unknown>)[KEY] === true;
}
