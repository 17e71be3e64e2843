import 'reflect-metadata';
import { OpenRtcConfigError, OpenRtcModule, type OpenRtcModuleOptions } from '@openrtc/nestjs';
import { readEnvironmentOptions, environmentLabel } from '../../lib/options/options.environment.js';
import { resolveModuleOptions, validateOptionLayer } from '../../lib/options/options.validation.js';
import { settingsFromFlags } from '../../lib/cli/cli.settings.js';
import { startupError } from '../support/nest-app.js';

const RULE = 'a share from 0 to 1 such as 0.7 (false or 0: not checked)';

// The headroom limits: defaults from the measurements, false or 0 to turn a check off, and a
// clear error for anything else, from forRoot(), the environment and the CLI alike.
describe('maxEventLoopUtilization and maxCpuUtilization', () => {
  it('default to 0.7 and 0.9; 0 and false turn a check off', () => {
    expect(resolveModuleOptions({})).toMatchObject({ maxEventLoopUtilization: 0.7, maxCpuUtilization: 0.9 });
    expect(resolveModuleOptions({ maxEventLoopUtilization: 0, maxCpuUtilization: false })).toMatchObject({ maxEventLoopUtilization: false, maxCpuUtilization: false });
    expect(resolveModuleOptions({ maxEventLoopUtilization: 1, maxCpuUtilization: 0.5 })).toMatchObject({ maxEventLoopUtilization: 1, maxCpuUtilization: 0.5 });
  });

  it.each<[unknown, string]>([
    [{ maxEventLoopUtilization: 1.5 }, `OpenRtcModule option 'maxEventLoopUtilization' must be ${RULE}, got 1.5.`],
    [{ maxEventLoopUtilization: -0.1 }, `OpenRtcModule option 'maxEventLoopUtilization' must be ${RULE}, got -0.1.`],
    [{ maxEventLoopUtilization: true }, `OpenRtcModule option 'maxEventLoopUtilization' must be ${RULE}, got true.`],
    [{ maxCpuUtilization: '0.8' }, `OpenRtcModule option 'maxCpuUtilization' must be ${RULE}, got '0.8'.`],
    [{ maxCpuUtilization: Number.NaN }, `OpenRtcModule option 'maxCpuUtilization' must be ${RULE}, got NaN.`],
  ])('forRoot(%p) fails at startup, naming the option, the value and the rule', async (options, message) => {
    const error = await startupError([OpenRtcModule.forRoot({ autoStart: false, ...(options as OpenRtcModuleOptions) })]);
    expect(error).toBeInstanceOf(OpenRtcConfigError);
    expect(error.message).toBe(message);
  });

  it('environment: numbers, and false to turn off; a bad value names the variable', () => {
    const env: Record<string, string> = { OPENRTC_MAX_EVENT_LOOP_UTILIZATION: '0.6', OPENRTC_MAX_CPU_UTILIZATION: 'false' };
    expect(readEnvironmentOptions((name) => env[name])).toEqual({ maxEventLoopUtilization: 0.6, maxCpuUtilization: false });
    const bad = readEnvironmentOptions((name) => ({ OPENRTC_MAX_EVENT_LOOP_UTILIZATION: 'high' })[name]);
    expect(() => validateOptionLayer(bad, environmentLabel)).toThrow(`Environment variable OPENRTC_MAX_EVENT_LOOP_UTILIZATION must be ${RULE}, got 'high'.`);
  });

  it('CLI flags: numbers and false; a bad value names the flag (usage error, exit code 2)', () => {
    expect(settingsFromFlags({ 'max-event-loop-utilization': '0.8', 'max-cpu-utilization': 'false' })).toEqual({ maxEventLoopUtilization: 0.8, maxCpuUtilization: false });
    expect(() => settingsFromFlags({ 'max-cpu-utilization': '90%' })).toThrow(expect.objectContaining({ exitCode: 2, message: `Flag --max-cpu-utilization must be ${RULE}, got '90%'.` }));
  });
});
