// The package under test. `bench/run.mjs` points OPENRTC_BENCH_PACKAGE at a snapshot of the build,
// so a rebuild during a run cannot delete files under a starting child process; without it, the
// build by name. Everything in a benchmark run imports the package from here: one copy only.
import { pathToFileURL } from 'node:url';

const spec = process.env.OPENRTC_BENCH_PACKAGE;
export const { Agent, AgentPool, OpenRtcModule, RecordedAudioInput } = await import(spec ? pathToFileURL(spec).href : '@openrtc/nestjs');
