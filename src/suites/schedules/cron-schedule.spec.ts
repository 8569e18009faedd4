import { checkSchedule, shortestGapMs } from './cron-schedule';

describe('checkSchedule', () => {
  const now = Date.UTC(2026, 10, 27, 16, 0, 30); // Friday

  it('computes the next tick in the given time zone', () => {
    expect(new Date(checkSchedule('0 6 * * 1-5', 'Europe/Berlin', now).nextMillis!).toISOString()).toBe('2026-11-30T05:00:00.000Z');
    expect(checkSchedule('*/1 * * * * *', 'UTC', now).nextMillis).toBe(now + 1000);
  });

  it('names the bad field', () => {
    expect(checkSchedule('61 * * * *', 'UTC', now).problems[0].field).toBe('cron');
    expect(checkSchedule('every day', 'UTC', now).problems[0].field).toBe('cron');
    expect(checkSchedule('0 6 * * *', 'Mars/Olympus', now).problems).toEqual([{ field: 'timezone', message: '"Mars/Olympus" is not an IANA time zone' }]);
  });

  it('refuses schedules that fire more often than the minimum interval, naming the cron field', () => {
    const [perSecond] = checkSchedule('* * * * * *', 'UTC', now, 60).problems;
    expect(perSecond).toEqual({ field: 'cron', message: expect.stringMatching(/fires every 1 s .*at most once every 60 s/) });
    // Mostly hourly, but two fires a minute apart once a day: the shortest gap is what counts.
    expect(checkSchedule('0,1 6 * * *', 'UTC', now, 120).problems[0].message).toMatch(/every 60 s/);
    expect(checkSchedule('*/5 * * * *', 'UTC', now, 60).problems).toEqual([]);
    expect(checkSchedule('* * * * *', 'UTC', now, 60).problems).toEqual([]);
    expect(checkSchedule('0 6 * * 1-5', 'Europe/Berlin', now, 3600).problems).toEqual([]);
  });

  it('measures the shortest gap between consecutive fires', () => {
    expect(shortestGapMs('*/10 * * * * *', 'UTC', Date.UTC(2026, 10, 27, 16, 0, 40))).toBe(10_000);
    expect(shortestGapMs('0 0,12 * * *', 'UTC', Date.UTC(2026, 10, 28))).toBe(12 * 3600_000);
  });
});
