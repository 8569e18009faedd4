import { DB_RETRY_DELAYS_MS, isTransientDbError, withDbRetry } from './db-retry';

/** A failure as node-postgres reports a backend ended by pg_terminate_backend. */
const terminated = () => Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });

describe('isTransientDbError', () => {
  it('tells a lost connection from a failed statement', () => {
    expect(isTransientDbError(terminated())).toBe(true);
    expect(isTransientDbError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isTransientDbError({ driverError: { code: '08006' } })).toBe(true);
    expect(isTransientDbError(Object.assign(new Error('duplicate key value'), { code: '23505' }))).toBe(false);
    expect(isTransientDbError(null)).toBe(false);
  });
});

describe('withDbRetry', () => {
  const delays = [1, 1, 1, 1, 1];

  it('re-runs an operation through as many lost connections as it has delays, then succeeds', async () => {
    let calls = 0;
    const operation = async () => {
      if (++calls <= 5) throw terminated();
      return 'stored';
    };
    await expect(withDbRetry(operation, delays)).resolves.toBe('stored');
    expect(calls).toBe(6);
  });

  it('gives up after the last delay with the connection error', async () => {
    let calls = 0;
    await expect(withDbRetry(async () => { calls++; throw terminated(); }, delays)).rejects.toThrow('terminating connection');
    expect(calls).toBe(6);
  });

  it('never re-runs a statement that failed for its own reasons', async () => {
    let calls = 0;
    await expect(withDbRetry(async () => { calls++; throw Object.assign(new Error('violates check constraint'), { code: '23514' }); }, delays)).rejects.toThrow('check constraint');
    expect(calls).toBe(1);
  });

  it('by default waits long enough for a pool to drop every connection a failover killed (over a second in all)', () => {
    // Checked on the schedule, not by timing a test: three quick failures in a row were what the drill hit.
    expect(DB_RETRY_DELAYS_MS.length).toBeGreaterThanOrEqual(5);
    expect(DB_RETRY_DELAYS_MS.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1000);
  });
});
