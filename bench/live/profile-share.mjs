// Reads a worker's CPU profile (node --cpu-prof) and reports, for a window of the monotonic clock
// (µs, the clock V8's profiler and process.hrtime share on Linux), where the JS thread's busy time
// went — in particular rtc-node's FFI event dispatch, where every connected Room of the process sees
// every frame event (issue #12 item 4: the fan-out):
//   ffiCallback: inclusive time under FfiClient's native callback (decode + every listener's
//     synchronous part: AudioStream filters, each Room's onFfiEvent up to its first await);
//   roomAndMutex: self time in rtc-node's room.cjs and @livekit/mutex (each Room's async
//     onFfiEvent continuation and its lock), wherever it ran (microtasks included).
//   selfByOwner: the ten largest owners of self time (an npm package, a node:internal module,
//     this module's dist, or V8's own entries such as GC), as a share of busy time.
import { readFileSync } from 'node:fs';

/** Who owns a frame's code: its npm package, its node: module, or V8's bucket. */
function ownerOf({ url, functionName }) {
  if (!url) return functionName.startsWith('(') ? functionName : '(native / V8 builtins)';
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return url.replace(/^node:internal\/(?:deps\/)?/, 'node:').split('/').slice(0, 2).join('/');
  if (/\/dist\/(?:esm|cjs)\//.test(url)) return '@openrtc/nestjs';
  if (/dist-sample\//.test(url)) return 'sample app';
  return '(other)';
}

export function profileShares(file, fromUs, toUs) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
  const isCallback = (n) => n.callFrame.url.includes('rtc-node/dist/ffi_client') && n.callFrame.lineNumber <= 55 && n.callFrame.lineNumber >= 48;
  const isFanout = (n) => /rtc-node\/dist\/room\.c?js/.test(n.callFrame.url) || /@livekit\/mutex\//.test(n.callFrame.url);
  const underCallback = new Map();
  const inCallback = (id) => {
    if (underCallback.has(id)) return underCallback.get(id);
    const node = nodes.get(id);
    const result = isCallback(node) || (parent.has(id) ? inCallback(parent.get(id)) : false);
    underCallback.set(id, result);
    return result;
  };
  let t = profile.startTime;
  let busy = 0;
  let callback = 0;
  let fanout = 0;
  let gc = 0;
  let total = 0;
  const owners = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    t += dt;
    if (t < fromUs || t > toUs) continue;
    total += dt;
    const id = profile.samples[i];
    if (idle.has(id)) continue;
    busy += dt;
    const node = nodes.get(id);
    const owner = ownerOf(node.callFrame);
    owners.set(owner, (owners.get(owner) ?? 0) + dt);
    if (node.callFrame.functionName === '(garbage collector)') gc += dt;
    if (inCallback(id)) callback += dt;
    if (isFanout(node)) fanout += dt;
  }
  const ms = (us) => Math.round(us / 100) / 10;
  const share = (us) => (busy ? Math.round((us / busy) * 1000) / 10 : null);
  return {
    windowMs: ms(total),
    busyMs: ms(busy),
    ffiCallbackMs: ms(callback),
    ffiCallbackPercentOfBusy: share(callback),
    roomAndMutexSelfMs: ms(fanout),
    roomAndMutexPercentOfBusy: share(fanout),
    gcPercentOfBusy: share(gc),
    selfByOwner: [...owners].sort((x, y) => y[1] - x[1]).slice(0, 10).map(([owner, us]) => ({ owner, percentOfBusy: share(us) })),
  };
}
