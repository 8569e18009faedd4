import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { TEAM_CUTOFFS_SQL, teamCutoffsParam, type TeamCutoff } from '../common/team-cutoffs';

/**
 * The retention pass's deletes of suite runs (with their items and webhook deliveries) and of webhook
 * deliveries, kept with the tables they delete from. One call deletes one batch in one short
 * transaction, found by primary key, so no lock is held for long.
 */
@Injectable()
export class SuiteRetentionStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Deletes up to `limit` webhook delivery attempts recorded before their team's cutoff. */
  async deleteExpiredDeliveriesBatch(cutoffs: readonly TeamCutoff[], limit: number): Promise<number> {
    if (!cutoffs.length) return 0;
    const [row] = await this.db.query(
      `WITH c AS (${TEAM_CUTOFFS_SQL}),
            doomed AS (SELECT x.id FROM c CROSS JOIN LATERAL (
                         SELECT w.id FROM webhook_deliveries w WHERE w.team_id = c.team_id AND w.created_at < c.cutoff LIMIT $2) x
                       LIMIT $2),
            d AS (DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM doomed) RETURNING 1)
       SELECT count(*)::int AS n FROM d`,
      [teamCutoffsParam(cutoffs), limit],
    );
    return row.n;
  }

  /** Deletes up to `limit` finished suite runs created before their team's cutoff, with their items and deliveries. */
  async deleteExpiredRunsBatch(cutoffs: readonly TeamCutoff[], limit: number): Promise<{ suiteRuns: number; items: number; deliveries: number }> {
    const none = { suiteRuns: 0, items: 0, deliveries: 0 };
    if (!cutoffs.length) return none;
    const rows: Array<{ id: string }> = await this.db.query(
      `WITH c AS (${TEAM_CUTOFFS_SQL})
       SELECT x.id FROM c CROSS JOIN LATERAL (
         SELECT r.id FROM suite_runs r WHERE r.team_id = c.team_id AND r.created_at < c.cutoff AND r.status <> 'IN_PROGRESS' LIMIT $2) x
       LIMIT $2`,
      [teamCutoffsParam(cutoffs), limit],
    );
    if (!rows.length) return none;
    const ids = rows.map((r) => r.id);
    const count = `SELECT count(*)::int AS n FROM d`;
    return this.db.transaction(async (m) => {
      const [deliveries] = await m.query(`WITH d AS (DELETE FROM webhook_deliveries WHERE suite_run_id = ANY($1::uuid[]) RETURNING 1) ${count}`, [ids]);
      const [items] = await m.query(`WITH d AS (DELETE FROM suite_run_items WHERE suite_run_id = ANY($1::uuid[]) RETURNING 1) ${count}`, [ids]);
      const [suiteRuns] = await m.query(`WITH d AS (DELETE FROM suite_runs WHERE id = ANY($1::uuid[]) AND status <> 'IN_PROGRESS' RETURNING 1) ${count}`, [ids]);
      return { suiteRuns: suiteRuns.n as number, items: items.n as number, deliveries: deliveries.n as number };
    });
  }
}
