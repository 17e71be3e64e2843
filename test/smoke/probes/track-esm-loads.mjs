// `node --import ./track-esm-loads.mjs probe`: installs esm-load-hooks.mjs before the probe runs.
import { register } from 'node:module';

register('./esm-load-hooks.mjs', import.meta.url, { data: { logFile: process.env.OPENRTC_PROBE_ESM_LOG } });
