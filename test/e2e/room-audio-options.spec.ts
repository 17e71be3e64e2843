import 'reflect-metadata';
import { OpenRtcConfigError, OpenRtcModule, type OpenRtcModuleOptions } from '@openrtc/nestjs';
import { OPENRTC_RESOLVED_OPTIONS } from '../../lib/openrtc.constants.js';
import type { ResolvedOpenRtcOptions } from '../../lib/options/openrtc-options.interface.js';
import { startApp, startupError } from '../support/nest-app.js';

// Issue #12 item 3: option roomAudio { sampleRate, frameSizeMs } and its variables
// OPENRTC_ROOM_SAMPLE_RATE / OPENRTC_ROOM_FRAME_MS: layered key by key, bad values refused at startup.
const forRoot = (options: OpenRtcModuleOptions = {}) => OpenRtcModule.forRoot({ autoStart: false, ...options });
const RATE_RULE = 'one of 8000, 16000, 24000, 48000 (Hz)';
const FRAME_RULE = 'a whole number of milliseconds from 10 to 100, in steps of 10 (e.g. 20 or 40)';

describe('roomAudio option', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('code and environment layer key by key', async () => {
    process.env.OPENRTC_ROOM_FRAME_MS = '40';
    const { app } = await startApp([forRoot({ roomAudio: { sampleRate: 16000, frameSizeMs: 20 } })]);
    const options = app.get<ResolvedOpenRtcOptions>(OPENRTC_RESOLVED_OPTIONS);
    await app.close();
    expect(options.roomAudio).toEqual({ sampleRate: 16000, frameSizeMs: 40 });
  });

  it.each<[unknown, string]>([
    [{ roomAudio: 16000 }, "OpenRtcModule option 'roomAudio' must be an object, got 16000."],
    [{ roomAudio: { rate: 16000 } }, "Unknown OpenRtcModule option 'roomAudio.rate'. Known options: sampleRate, frameSizeMs."],
    [{ roomAudio: { sampleRate: 44100 } }, `OpenRtcModule option 'roomAudio.sampleRate' must be ${RATE_RULE}, got 44100.`],
    [{ roomAudio: { sampleRate: '16000' } }, `OpenRtcModule option 'roomAudio.sampleRate' must be ${RATE_RULE}, got '16000'.`],
    [{ roomAudio: { frameSizeMs: 25 } }, `OpenRtcModule option 'roomAudio.frameSizeMs' must be ${FRAME_RULE}, got 25.`],
    [{ roomAudio: { frameSizeMs: 0 } }, `OpenRtcModule option 'roomAudio.frameSizeMs' must be ${FRAME_RULE}, got 0.`],
    [{ roomAudio: { frameSizeMs: 200 } }, `OpenRtcModule option 'roomAudio.frameSizeMs' must be ${FRAME_RULE}, got 200.`],
  ])('forRoot(%p) is refused, naming the field, the value and the rule', async (options, message) => {
    const error = await startupError([forRoot(options as OpenRtcModuleOptions)]);
    expect(error).toBeInstanceOf(OpenRtcConfigError);
    expect(error.message).toBe(message);
  });

  it.each<[string, string, string]>([
    ['OPENRTC_ROOM_SAMPLE_RATE', '16k', `Environment variable OPENRTC_ROOM_SAMPLE_RATE must be ${RATE_RULE}, got '16k'.`],
    ['OPENRTC_ROOM_FRAME_MS', '15', `Environment variable OPENRTC_ROOM_FRAME_MS must be ${FRAME_RULE}, got 15.`],
  ])('a bad %s=%p names the variable', async (variable, value, message) => {
    process.env[variable] = value;
    const error = await startupError([forRoot()]);
    expect(error).toBeInstanceOf(OpenRtcConfigError);
    expect(error.message).toBe(message);
  });
});
