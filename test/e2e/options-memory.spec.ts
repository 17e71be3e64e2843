import 'reflect-metadata';
import { OpenRtcConfigError, OpenRtcModule, type OpenRtcModuleOptions } from '@openrtc/nestjs';
import { startupError } from '../support/nest-app.js';
import { APP, assertBuilt, cleanEnv, lines, runCli } from '../cli/cli-process.js';

const RULE = 'a whole number of megabytes >= 0 (0: off)';

// memoryWarnMB / memoryLimitMB: checked like the other options, from every layer, naming where the value came from.
describe('memory watermark options are validated', () => {
  it.each<[unknown, string]>([
    [{ memoryWarnMB: -1 }, `OpenRtcModule option 'memoryWarnMB' must be ${RULE}, got -1.`],
    [{ memoryLimitMB: 1.5 }, `OpenRtcModule option 'memoryLimitMB' must be ${RULE}, got 1.5.`],
    [{ memoryLimitMB: '512' }, `OpenRtcModule option 'memoryLimitMB' must be ${RULE}, got '512'.`],
    [
      { memoryWarnMB: 800, memoryLimitMB: 500 },
      "OpenRtcModule option 'memoryWarnMB' (800) must be below OpenRtcModule option 'memoryLimitMB' (500): the warning comes before the limit. Lower the first or raise the second.",
    ],
  ])('forRoot(%p)', async (options, message) => {
    const error = await startupError([OpenRtcModule.forRoot({ autoStart: false, ...(options as OpenRtcModuleOptions) })]);
    expect(error).toBeInstanceOf(OpenRtcConfigError);
    expect(error.message).toBe(message);
  });

  it('accepts 0 (off) and a warning below the limit', async () => {
    await expect(startupError([OpenRtcModule.forRoot({ autoStart: false, memoryWarnMB: 0, memoryLimitMB: 2048 })])).rejects.toThrow('Expected the application to fail at startup');
  });

  it('names the environment variable', async () => {
    process.env.OPENRTC_MEMORY_LIMIT_MB = 'lots';
    try {
      const error = await startupError([OpenRtcModule.forRoot({ autoStart: false })]);
      expect(error.message).toBe(`Environment variable OPENRTC_MEMORY_LIMIT_MB must be ${RULE}, got 'lots'.`);
    } finally {
      delete process.env.OPENRTC_MEMORY_LIMIT_MB;
    }
  });

  it('names the CLI flag, in a real openrtc process', async () => {
    assertBuilt();
    const { code, stdout, stderr } = await runCli(['start', '--app', APP, '--memory-warn-mb=-5'], { env: cleanEnv() });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(lines(stderr)).toEqual([`openrtc: Flag --memory-warn-mb must be ${RULE}, got -5.`]);
  });
});
