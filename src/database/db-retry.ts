/**
 * True for failures of the connection rather than of the statement (Postgres restarted or failed
 * over, backend terminated, socket reset): the same statement may be sent again on a fresh connection.
 */
export function isTransientDbError(error: unknown): boolean {
  const e = error as { code?: unknown; driverError?: { code?: unknown }; message?: unknown } | null;
  const code = String(e?.driverError?.code ?? e?.code ?? '');
  if (code.startsWith('08') || ['57P01', '57P02', '57P03', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE'].includes(code)) return true;
  return /Connection terminated|terminating connection|ECONNRESET|ECONNREFUSED/i.test(String(e?.message ?? ''));
}

/**
 * Waits before each re-run of an operation that failed on a lost connection. Spread over ~1.5 s, not a
 * few milliseconds: when a failover or an administrator ends every connection at once, the pool can hand
 * out several of the dead ones in a row before it has noticed them all (the Postgres-kill drill once
 * spent the three attempts of 150 ms that way, and the run ended FAILED).
 */
export const DB_RETRY_DELAYS_MS: readonly number[] = [50, 100, 200, 400, 800];

/**
 * Runs an idempotent database operation (a read, or a write that sets fixed values), re-running it
 * after a transient connection failure: a killed connection must not fail a test run whose next
 * statement would succeed on another pooled connection.
 */
export async function withDbRetry<T>(operation: () => Promise<T>, delaysMs: readonly number[] = DB_RETRY_DELAYS_MS): Promise<T> {
  for (let retry = 0; ; retry++) {
    try {
      return await operation();
    } catch (error) {
      if (retry >= delaysMs.length || !isTransientDbError(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, delaysMs[retry]));
    }
  }
}
