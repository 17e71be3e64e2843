import { OpenRtcConfigError } from '../../lib/errors/openrtc.errors.js';
import { defaultAgentName, validateAgentName } from '../../lib/agents/agent-name.js';

describe('agent names', () => {
  it.each([
    ['RestaurantAgent', 'restaurant'],
    ['FrontDeskAgent', 'front-desk'],
    ['IVR2Agent', 'ivr2'],
    ['HTTPGatewayAgent', 'http-gateway'],
    ['Concierge', 'concierge'],
    ['Agent', 'agent'],
    ['AgentSmithAgent', 'agent-smith'],
  ])('derives %s -> %s', (className, name) => {
    expect(defaultAgentName(className)).toBe(name);
  });

  it('accepts [A-Za-z0-9_-]{1,64} and trims', () => {
    expect(validateAgentName('  Front_desk-2 ', 'name')).toBe('Front_desk-2');
    expect(validateAgentName('x'.repeat(64), 'name')).toBe('x'.repeat(64));
  });

  it.each([
    ['', "name must be a non-empty string, got ''."],
    ['   ', "name must be a non-empty string, got '   '."],
    [42, 'name must be a non-empty string, got 42.'],
    [undefined, 'name must be a non-empty string, got undefined.'],
    ['front desk', "name must be 1-64 characters of ASCII letters, digits, dashes, or underscores, got 'front desk'."],
    ['café', "name must be 1-64 characters of ASCII letters, digits, dashes, or underscores, got 'café'."],
    ['x'.repeat(65), `name must be 1-64 characters of ASCII letters, digits, dashes, or underscores, got '${'x'.repeat(65)}'.`],
  ])('rejects %p', (value, message) => {
    expect(() => validateAgentName(value, 'name')).toThrow(new OpenRtcConfigError(message));
  });
});
