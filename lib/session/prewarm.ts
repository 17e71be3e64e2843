import { createRequire } from 'node:module';
import { inference, type JobProcess, type VAD, type voice } from '@livekit/agents';
import { OpenRtcSetupError } from '../errors/openrtc.errors.js';
import type { TurnDetection, VadImplementation } from '../options/openrtc-options.interface.js';
import { OPENRTC_DEFAULTS } from '../options/options.defaults.js';

/** What prewarm leaves in `proc.userData` for every session of the process. */
export interface SharedModels {
  /** The process's one VAD model: every session opens its own stream on it. */
  vad: VAD;
  /** Builds a session's turn detection; called inside the job context (the detector reads the job's inference executor). */
  turnDetection: () => voice.AgentSessionOptions['turnDetection'] | null;
}

const SHARED_MODELS = 'openrtc';

// The multilingual model's revision in @livekit/agents-plugin-livekit 1.9 (turn_detector/constants.ts).
const MULTILINGUAL_REVISION = 'v0.4.1-intl';
const DOWNLOAD_HINT = 'Download its files first: `npx openrtc download-files` (or `npx livekit-agents download-files`).';

/** Imports a peer plugin, turning "not installed" into the exact install command. */
async function importPlugin<T>(name: string, load: () => Promise<T>, purpose: string): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new OpenRtcSetupError(`${purpose} needs ${name}, which is not installed. Run: npm install ${name}@~1.9.0`, { cause: error });
    }
    throw error;
  }
}

/**
 * Loads the text turn-detector plugin when configured. It registers its inference runner at import
 * time, which must happen in the worker process before the AgentServer is built.
 */
export async function loadTurnDetectionPlugin(mode: TurnDetection): Promise<void> {
  if (mode !== 'multilingual') return;
  await importPlugin('@livekit/agents-plugin-livekit', () => import('@livekit/agents-plugin-livekit'), "turnDetection: 'multilingual'");
}

/** Loads the VAD and prepares turn detection once per worker process, into `proc.userData`. */
export async function prewarmSharedModels(proc: JobProcess, mode: TurnDetection, vad: VadImplementation = OPENRTC_DEFAULTS.vad): Promise<SharedModels> {
  const models: SharedModels = { vad: await loadVad(vad), turnDetection: await turnDetectionFactory(mode) };
  proc.userData[SHARED_MODELS] = models;
  return models;
}

async function loadVad(implementation: VadImplementation): Promise<VAD> {
  if (implementation === 'silero') {
    const silero = await importPlugin('@livekit/agents-plugin-silero', () => import('@livekit/agents-plugin-silero'), "vad: 'silero'");
    return shared(await silero.VAD.load());
  }
  // Without its native binding, inference.VAD only logs a warning and never detects speech: fail here instead.
  try {
    const agents = createRequire(import.meta.url).resolve('@livekit/agents');
    createRequire(agents)('@livekit/local-inference');
  } catch (error) {
    throw new OpenRtcSetupError(
      `vad: 'native' needs @livekit/local-inference (installed with @livekit/agents), whose native binding did not load here: ${(error as Error)?.message ?? error}. ` +
        "Set OpenRtcModule option vad: 'silero' and install @livekit/agents-plugin-silero@~1.9.0.",
      { cause: error },
    );
  }
  return shared(new inference.VAD());
}

/**
 * Every session's activity listens to the VAD it uses (`metrics_collected`) until it closes; a VAD
 * shared by more than ten sessions would otherwise print a listener-leak warning that is no leak.
 */
function shared(vad: VAD): VAD {
  vad.setMaxListeners(0);
  return vad;
}

export function sharedModels(proc: JobProcess): SharedModels {
  const models = proc.userData[SHARED_MODELS] as SharedModels | undefined;
  if (!models) throw new OpenRtcSetupError('The worker process was not prewarmed: shared models are missing from proc.userData.');
  return models;
}

async function turnDetectionFactory(mode: TurnDetection): Promise<SharedModels['turnDetection']> {
  switch (mode) {
    case 'audio':
      // Pinned to the local model: the default would switch to the cloud one in dev mode.
      return () => new inference.TurnDetector({ version: 'v1-mini' });
    case 'multilingual': {
      const plugin = await importPlugin('@livekit/agents-plugin-livekit', () => import('@livekit/agents-plugin-livekit'), "turnDetection: 'multilingual'");
      try {
        await plugin.downloadFileToCacheDir({ repo: 'livekit/turn-detector', path: 'onnx/model_q8.onnx', revision: MULTILINGUAL_REVISION, localFileOnly: true });
      } catch (error) {
        throw new OpenRtcSetupError(`turnDetection: 'multilingual' needs the livekit/turn-detector model files, which are not on this machine. ${DOWNLOAD_HINT}`, { cause: error });
      }
      return () => new plugin.turnDetector.MultilingualModel();
    }
    case 'vad':
      return () => 'vad';
    case 'none':
      return () => null;
  }
}
