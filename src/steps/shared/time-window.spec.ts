import { parseDuration, parseTimestampMs, parseTimestampNs, resolveWindow, toPrometheusTime } from './time-window';

const NOW = Date.parse('2026-05-01T12:00:00.000Z');

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['1d', 86_400_000],
    ['2w', 1_209_600_000],
    ['1y', 31_536_000_000],
    ['250ms', 250],
    ['1m30s500ms', 90_500],
    [' 15s ', 15_000],
  ])('%j → %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '30', '1.5h', '5 m', '5M', '30m1h', '-5m', 'h', '1s1s', 'PT5M'])('refuses %j', (text) => {
    expect(() => parseDuration(text, 'step')).toThrow(/^step: ".*" is not a duration/);
  });

  it('refuses zero and names the field', () => {
    expect(() => parseDuration('0s', 'step')).toThrow('step: the duration must be greater than zero (got "0s")');
  });

  it('refuses a non-string with the field name', () => {
    expect(() => parseDuration(30 as unknown as string, 'step')).toThrow(/^step: "30" is not a duration/);
  });
});

describe('parseTimestampNs / parseTimestampMs', () => {
  it('reads epoch milliseconds from numbers and digit strings', () => {
    expect(parseTimestampNs(NOW, 't')).toBe(BigInt(NOW) * 1_000_000n);
    expect(parseTimestampMs(` ${NOW} `, 't')).toBe(NOW);
  });

  it.each([
    ['2026-05-01T12:00:00Z', NOW],
    ['2026-05-01T12:00:00.5Z', NOW + 500],
    ['2026-05-01t12:00:00z', NOW],
    ['2026-05-01 12:00:00Z', NOW],
    ['2026-05-01T14:30:00+02:30', NOW],
    ['2026-05-01T07:00:00-05:00', NOW],
    ['2024-02-29T00:00:00Z', Date.parse('2024-02-29T00:00:00Z')],
  ])('reads RFC 3339 %s', (text, ms) => {
    expect(parseTimestampMs(text, 't')).toBe(ms);
  });

  it('keeps nanoseconds of RFC 3339', () => {
    expect(parseTimestampNs('2026-05-01T12:00:00.000000001Z', 't')).toBe(BigInt(NOW) * 1_000_000n + 1n);
    expect(parseTimestampMs('2026-05-01T12:00:00.999999999Z', 't')).toBe(NOW + 999);
  });

  it.each([
    ['2023-02-29T00:00:00Z', /not a valid calendar time/],
    ['2026-13-01T00:00:00Z', /not a valid calendar time/],
    ['2026-05-01T24:00:00Z', /not a valid calendar time/],
    ['2026-05-01T23:59:60Z', /not a valid calendar time/],
    ['2026-05-01T12:00:00', /neither epoch milliseconds nor an RFC 3339 time/],
    ['2026-05-01', /neither/],
    ['2026-05-01T12:00:00.1234567891Z', /neither/],
    [1_777_636_800, /looks like epoch seconds/],
    ['1777636800', /looks like epoch seconds/],
    [1_777_636_800_000_000, /looks like epoch micro- or nanoseconds/],
    [Number.NaN, /not a whole number/],
    [-1, /not a whole number|looks like epoch seconds/],
  ])('refuses %j', (value, message) => {
    expect(() => parseTimestampNs(value, 'startTime')).toThrow(message);
    expect(() => parseTimestampNs(value, 'startTime')).toThrow(/^startTime: /);
  });

  it('refuses other types', () => {
    expect(() => parseTimestampNs(true as unknown as number, 'endTime')).toThrow('endTime: expected epoch milliseconds or an RFC 3339 time, got boolean');
  });
});

describe('resolveWindow', () => {
  it('resolves "the last hour"', () => {
    expect(resolveWindow({ relative: '1h' }, NOW)).toEqual({ startMs: NOW - 3_600_000, endMs: NOW });
  });

  it('resolves { ago, length }', () => {
    expect(resolveWindow({ relative: { ago: '2h', length: '30m' } }, NOW)).toEqual({ startMs: NOW - 7_200_000, endMs: NOW - 5_400_000 });
    expect(resolveWindow({ relative: { ago: '30m', length: '30m' } }, NOW)).toEqual({ startMs: NOW - 1_800_000, endMs: NOW });
  });

  it('resolves absolute times, endTime defaulting to now', () => {
    expect(resolveWindow({ startTime: NOW - 60_000, endTime: '2026-05-01T12:00:00Z' }, NOW + 5)).toEqual({ startMs: NOW - 60_000, endMs: NOW });
    expect(resolveWindow({ startTime: NOW - 60_000 }, NOW)).toEqual({ startMs: NOW - 60_000, endMs: NOW });
  });

  it.each([
    [{}, /baseline: needs startTime \(and optionally endTime\) or relative/],
    [{ endTime: NOW }, /baseline: endTime needs a startTime/],
    [{ relative: '1h', startTime: NOW }, /baseline: give either relative or startTime\/endTime, not both/],
    [{ relative: { ago: '30m', length: '1h' } }, /baseline\.relative: a 1h window starting 30m ago would end in the future/],
    [{ relative: { ago: '1h', length: 'x' } }, /baseline\.relative\.length: "x" is not a duration/],
    [{ relative: { ago: '', length: '5m' } }, /baseline\.relative\.ago: "" is not a duration/],
    [{ relative: 42 }, /baseline\.relative: expected a duration/],
    [{ startTime: NOW, endTime: NOW - 1 }, /baseline: endTime \(.*\) must be after startTime/],
    [{ startTime: 'soon' }, /baseline\.startTime: "soon"/],
  ])('refuses %j', (input, message) => {
    expect(() => resolveWindow(input as never, NOW, 'baseline')).toThrow(message);
  });
});

describe('toPrometheusTime', () => {
  it.each([
    [1_700_000_000_000, '1700000000'],
    [1_700_000_000_123, '1700000000.123'],
    [1_700_000_000_005, '1700000000.005'],
  ])('%d → %s', (ms, text) => {
    expect(toPrometheusTime(ms)).toBe(text);
  });
});
