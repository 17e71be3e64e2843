import { version } from '@livekit/agents';
import { OpenRtcSetupError } from '@openrtc/nestjs';
import { assertSupportedVersion } from '../../lib/runtime/livekit-internals.js';

describe('the coroutine seam version guard', () => {
  it('accepts the installed @livekit/agents 1.9.x', () => {
    expect(version).toMatch(/^1\.9\./);
    expect(() => assertSupportedVersion()).not.toThrow();
  });

  it.each(['1.10.0', '1.8.4', '2.0.0'])('refuses %s at startup, pointing at process isolation', (other) => {
    expect(() => assertSupportedVersion(other)).toThrow(OpenRtcSetupError);
    expect(() => assertSupportedVersion(other)).toThrow(
      `isolation: 'coroutine' supports @livekit/agents 1.9.x, but ${other} is installed. Install @livekit/agents@~1.9.0, or set OpenRtcModule option isolation: 'process'`,
    );
  });
});
