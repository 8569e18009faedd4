import { compareForOrder, isIsoDate } from './value-ordering';

describe('compareForOrder', () => {
  it('orders numbers and numeric strings against a number', () => {
    expect(compareForOrder(5, 3)).toEqual({ difference: 2 });
    expect(compareForOrder('5', 3)).toEqual({ difference: 2 });
    expect(compareForOrder('abc', 3)).toEqual({ problem: 'not a number' });
    expect(compareForOrder(true, 3)).toEqual({ problem: 'not a number' });
  });

  it('orders ISO dates as instants, zones included', () => {
    expect(compareForOrder('2025-01-01T01:00:00+01:00', '2025-01-01T00:00:00Z')).toEqual({ difference: 0 });
    expect(compareForOrder('2025-01-02', '2025-01-01')).toEqual({ difference: 86_400_000 });
    expect(compareForOrder(1, '2025-01-01')).toEqual({ problem: 'not an ISO date' });
  });

  it('refuses other expected values rather than comparing text', () => {
    expect(compareForOrder('b', 'a')).toEqual({ problem: 'the expected value must be a number or an ISO date' });
  });
});

describe('isIsoDate', () => {
  it.each(['2025-03-01', '2025-03-01T12:00Z', '2025-03-01T12:00:00.123456Z', '2025-03-01 12:00:00', '2025-03-01T12:00:00+0100'])(
    'accepts %j',
    (text) => expect(isIsoDate(text)).toBe(true),
  );
  it.each(['1', '2025', 'March 1, 2025', '2025-13-45', '2025-03-01T25:00:00Z', ''])('refuses %j', (text) =>
    expect(isIsoDate(text)).toBe(false),
  );
});
