// Jest global setup: decides once per run whether the live suite (test/live) can run, and makes sure
// a livekit-server binary exists (building it with Go on first use). Each live spec file starts its
// own server from that binary: LiveKit's automatic dispatch gives a room's job to any registered
// worker, so two spec files running side by side must not share one server.
// OPENRTC_REQUIRE_LIVE=1 (set by .ci/run): a live suite that cannot run fails the run.
import { ensureServerBinary, externalServer, isServerUp, LiveKitServerUnavailableError } from '../../../scripts/livekit-server.mjs';

export default async function liveGlobalSetup() {
  const say = (line) => process.stderr.write(`${line}\n`);
  try {
    const binary = await ensureServerBinary({ log: say });
    process.env.OPENRTC_LIVE_SERVER_BIN = binary.path;
    process.env.OPENRTC_LIVE_MODE = 'local';
    return;
  } catch (error) {
    if (!(error instanceof LiveKitServerUnavailableError)) throw error;
    const external = externalServer();
    if (external && (await isServerUp(external.httpUrl))) {
      process.env.OPENRTC_LIVE_MODE = 'external';
      say(`live suite: no local livekit-server; using LIVEKIT_URL=${external.url} (run the live specs with --runInBand: automatic dispatch must not mix two files' workers).`);
      return;
    }
    const reason = external ? `LIVEKIT_URL=${external.url} does not answer, and ${error.message}` : error.message;
    process.env.OPENRTC_LIVE_MODE = 'skip';
    if (process.env.OPENRTC_REQUIRE_LIVE === '1') {
      throw new Error(`The live suite (test/live) cannot run and OPENRTC_REQUIRE_LIVE=1 requires it: ${reason}`);
    }
    say(`\n*** SKIPPED: the live suite (test/live, real LiveKit calls) did not run: ${reason.endsWith('.') ? reason : `${reason}.`} ***\n`);
  }
}


