import { externalServer, startLiveKitServer, type LiveKitServer } from '../../../scripts/livekit-server.mjs';

/** What the global setup decided: 'local' (a binary to start per spec file), 'external' (LIVEKIT_URL) or 'skip'. */
export const LIVE_MODE = (process.env.OPENRTC_LIVE_MODE ?? 'skip') as 'local' | 'external' | 'skip';

/** describe() for live specs: skipped (the global setup said why, once) when no server can be had. */
export const describeLive: jest.Describe = LIVE_MODE === 'skip' ? describe.skip : describe;

/**
 * A livekit-server for this spec file: started in beforeAll (one per file, so another file's worker
 * never takes this file's rooms), stopped in afterAll whatever happened. Read it inside tests.
 */
export function useLiveServer(): () => LiveKitServer {
  let server: LiveKitServer | undefined;
  beforeAll(async () => {
    server = LIVE_MODE === 'external' ? externalServer() : await startLiveKitServer({ binary: process.env.OPENRTC_LIVE_SERVER_BIN });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  }, 30_000);
  return () => {
    if (!server) throw new Error('the live server did not start (see beforeAll)');
    return server;
  };
}

/** A room name no other test (or earlier run against an external server) uses. */
export function uniqueRoom(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}
