import { Client } from 'pg';

/** Counters of Postgres' own statistics that say how a workload uses it (see `delta`). */
export interface PgActivity {
  /** Transactions committed in the database: with autocommit, about one per statement. */
  commits: number;
  /** WAL written by the whole cluster (nothing else writes during a benchmark). */
  walBytes: number;
  walRecords: number;
  /** WAL flushes to disk (fdatasync) — one per commit unless commits were grouped. */
  walSyncs: number;
}

/**
 * Reads the database's commit count and the cluster's WAL counters (PostgreSQL ≥ 14). Backends report
 * their statistics up to a second after a transaction, so a reading taken right after a burst waits
 * for that first and reads a fresh snapshot.
 */
export async function readPgActivity(databaseUrl: string, settleMs = 1500): Promise<PgActivity> {
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await db.query(
      `SELECT d.xact_commit::float8 AS commits, w.wal_bytes::float8 AS wal_bytes, w.wal_records::float8 AS wal_records, w.wal_sync::float8 AS wal_sync
         FROM pg_stat_database d, pg_stat_wal w WHERE d.datname = current_database()`,
    );
    const r = rows[0] as { commits: number; wal_bytes: number; wal_records: number; wal_sync: number };
    return { commits: r.commits, walBytes: r.wal_bytes, walRecords: r.wal_records, walSyncs: r.wal_sync };
  } finally {
    await db.end();
  }
}

/** `after − before` per unit of work, printed as one line. */
export function describePgActivity(before: PgActivity, after: PgActivity, per: number): string {
  const d = (k: keyof PgActivity) => (after[k] - before[k]) / per;
  return `commits ${d('commits').toFixed(1)}, WAL records ${d('walRecords').toFixed(1)}, WAL ${(d('walBytes') / 1024).toFixed(1)} KB, WAL flushes ${d('walSyncs').toFixed(2)}`;
}
