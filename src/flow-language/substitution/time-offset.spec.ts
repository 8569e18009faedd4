import { parseTimeOffset } from './time-offset';

describe('parseTimeOffset', () => {
  it.each([
    ['+5m', 300_000],
    ['-1h', -3_600_000],
    ['+30s', 30_000],
    ['+2d', 172_800_000],
    ['1w', 604_800_000],
    ['-250ms', -250],
    [' +0s ', 0],
  ])('%j → %d ms', (text, ms) => {
    expect(parseTimeOffset(text)).toBe(ms);
  });

  it.each(['', '5', '+5 m', '5minutes', '+1.5h', '++5m', '+5M', '+1y', '+1234567890s'])('refuses %j', (text) => {
    expect(parseTimeOffset(text)).toBeUndefined();
  });
});
