import { checkSchedule } from './cron-schedule';

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
});
