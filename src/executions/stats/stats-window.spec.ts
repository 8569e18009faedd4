import { AppException } from '../../common/errors/app.exception';
import { statsWindow } from './stats-window';

const NOW = new Date('2026-11-28T10:00:00Z');

function problems(raw: { from?: string; to?: string }): unknown {
  try {
    statsWindow(raw, NOW);
  } catch (error) {
    return (error as AppException).details?.problems;
  }
  throw new Error('expected a validation error');
}

describe('statsWindow', () => {
  it('defaults to the 30 days before now', () => {
    expect(statsWindow({}, NOW)).toEqual({ from: new Date('2026-10-29T10:00:00Z'), to: NOW });
  });

  it('reads dates as UTC midnight and offset-less date-times as UTC', () => {
    expect(statsWindow({ from: '2026-11-01', to: '2026-11-02T06:30' }, NOW)).toEqual({ from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-11-02T06:30:00Z') });
    expect(statsWindow({ from: '2026-11-01T01:00:00+02:00', to: '2026-11-03T00:00:00.5Z' }, NOW).from).toEqual(new Date('2026-10-31T23:00:00Z'));
  });

  it('counts a missing from back from the given to', () => {
    expect(statsWindow({ to: '2026-06-30' }, NOW).from).toEqual(new Date('2026-05-31T00:00:00Z'));
  });

  it('names the field that is wrong', () => {
    expect(problems({ from: 'yesterday' })).toEqual([{ field: 'from', message: expect.stringContaining('ISO 8601') }]);
    expect(problems({ to: '2026-02-31' })).toEqual([{ field: 'to', message: expect.stringContaining('ISO 8601') }]);
    expect(problems({ from: '2026-11-02', to: '2026-11-01' })).toEqual([{ field: 'to', message: 'must be later than from' }]);
    expect(problems({ from: '2026-11-02', to: '2026-11-02' })).toEqual([{ field: 'to', message: 'must be later than from' }]);
    expect(problems({ from: '2025-01-01', to: '2026-01-03' })).toEqual([{ field: 'from', message: 'the window may span at most 366 days' }]);
    expect(statsWindow({ from: '2025-01-01', to: '2026-01-02' }, NOW).to).toEqual(new Date('2026-01-02T00:00:00Z'));
  });
});
