import { resolveTimeRange } from './loki-time-range';

const NOW = Date.parse('2026-05-01T12:00:00.000Z');
const FLOW_START = NOW - 42_000;
const ns = (ms: number) => `${ms}000000`;

describe('resolveTimeRange', () => {
  it('returns 19-digit nanosecond strings', () => {
    const range = resolveTimeRange({ relative: '5m' }, NOW, FLOW_START);
    expect(range).toEqual({ startNs: ns(NOW - 300_000), endNs: ns(NOW) });
    expect(range.startNs).toMatch(/^\d{19}$/);
  });

  it.each([
    ['5m', 300_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['1h30m', 5_400_000],
    ['90s', 90_000],
  ])('relative %s ends now', (relative, lengthMs) => {
    expect(resolveTimeRange({ relative }, NOW, FLOW_START)).toEqual({ startNs: ns(NOW - lengthMs), endNs: ns(NOW) });
  });

  it('"flow" starts when the flow started', () => {
    expect(resolveTimeRange({ relative: 'flow' }, NOW, FLOW_START)).toEqual({ startNs: ns(FLOW_START), endNs: ns(NOW) });
  });

  it('defaults to "flow" when no time field is given', () => {
    expect(resolveTimeRange({}, NOW, FLOW_START)).toEqual({ startNs: ns(FLOW_START), endNs: ns(NOW) });
  });

  it('keeps "flow" non-empty when this clock is behind the one that stamped the flow start', () => {
    expect(resolveTimeRange({ relative: 'flow' }, NOW, NOW + 5)).toEqual({ startNs: ns(NOW + 5), endNs: ns(NOW + 6) });
  });

  it('takes absolute epoch milliseconds, as numbers or digit strings', () => {
    expect(resolveTimeRange({ startTime: NOW - 1000, endTime: String(NOW) }, NOW + 999_999, FLOW_START)).toEqual({
      startNs: ns(NOW - 1000),
      endNs: ns(NOW),
    });
  });

  it('defaults endTime to now', () => {
    expect(resolveTimeRange({ startTime: NOW - 1000 }, NOW, FLOW_START)).toEqual({ startNs: ns(NOW - 1000), endNs: ns(NOW) });
  });

  it('keeps nanosecond precision of RFC 3339 input and applies offsets', () => {
    expect(resolveTimeRange({ startTime: '2026-05-01T11:00:00.123456789Z', endTime: '2026-05-01T14:00:00+02:00' }, NOW, FLOW_START)).toEqual({
      startNs: '1777633200123456789',
      endNs: ns(NOW),
    });
  });

  it.each([
    [{ relative: '5m', startTime: NOW }, /either relative or startTime\/endTime/],
    [{ relative: 'flow', endTime: NOW }, /either relative or startTime\/endTime/],
    [{ endTime: NOW }, /endTime: needs a startTime/],
    [{ startTime: NOW, endTime: NOW }, /endTime \(2026-05-01T12:00:00.000Z\) must be after startTime/],
    [{ startTime: NOW + 1 }, /must be after startTime.*endTime defaults to now/],
    [{ relative: '5 minutes' }, /relative: "5 minutes" is not a duration/],
    [{ relative: '0m' }, /greater than zero/],
    [{ relative: '' }, /not a duration/],
    [{ relative: '-5m' }, /not a duration/],
    [{ startTime: 1_777_636_800 }, /startTime: 1777636800 looks like epoch seconds/],
    [{ startTime: 1_777_636_800_000_000 }, /startTime: .* looks like epoch micro- or nanoseconds/],
    [{ startTime: 'yesterday' }, /startTime: "yesterday" is neither epoch milliseconds nor an RFC 3339 time/],
    [{ startTime: '2026-02-30T00:00:00Z' }, /not a valid calendar time/],
    [{ startTime: NOW + 0.5 }, /not a whole number of epoch milliseconds/],
  ])('refuses %j', (input, message) => {
    expect(() => resolveTimeRange(input as never, NOW, FLOW_START)).toThrow(message);
  });
});
