import { validateAgentName } from '../../lib/agents/agent-name.js';
import { describeValue } from '../../lib/errors/openrtc.errors.js';

// What an error message shows of a bad value: readable for every type, and never a second error
// while building the first (a circular object must not turn a config error into a TypeError).
describe('describeValue', () => {
  const circular: Record<string, unknown> = { name: 'loop' };
  circular.self = circular;

  it.each([
    ['a string, quoted', 'front desk', "'front desk'"],
    ['a named function', function makeLlm() {}, 'function makeLlm'],
    ['an anonymous function', (() => () => undefined)(), 'function (anonymous)'],
    ['a bigint', 10n, '10n'],
    ['NaN as itself, not null', Number.NaN, 'NaN'],
    ['Infinity as itself, not null', Number.POSITIVE_INFINITY, 'Infinity'],
    ['an object as JSON', { agent: 'dental' }, '{"agent":"dental"}'],
    ['undefined', undefined, 'undefined'],
    ['a symbol', Symbol('token'), 'Symbol(token)'],
    ['a circular object', circular, '[object Object]'],
  ])('%s', (_what, value, shown) => {
    expect(describeValue(value)).toBe(shown);
  });

  it('keeps the error about the field when the bad value is circular', () => {
    expect(() => validateAgentName(circular, "@Agent() option 'name'")).toThrow("@Agent() option 'name' must be a non-empty string, got [object Object].");
  });
});
