import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { TEAM_CUTOFFS_SQL, teamCutoffsParam, type TeamCutoff } from '../common/team-cutoffs';

/** Only finished executions are ever deleted: a PENDING or IN_PROGRESS one is kept, however old. */
const FINISHED = `('COMPLETED', 'FAILED', 'CANCELLED')`;

/**
 * The retention pass's deletes of executions and their steps, kept with the tables they delete from
 * (the retention module calls this, never the tables). One call deletes one batch in one short
 * transaction, found by primary key, so no lock is held for long and runs go on meanwhile.
 */
@Injectable()
export class ExecutionRetentionStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Deletes up to `limit` finished executions created before their team's cutoff, with their steps. */
  async deleteExpiredBatch(cutoffs: readonly TeamCutoff[], limit: number): Promise<{ executions: number; steps: number }> {
    if (!cutoffs.length) return { executions: 0, steps: 0 };
    const rows: Array<{ id: string }> = await this.db.query(
      `WITH c AS (${TEAM_CUTOFFS_SQL})
       SELECT x.id FROM c CROSS JOIN LATERAL (
         SELECT e.id FROM executions e
          WHERE e.team_id = c.team_id AND e.created_at < c.cutoff AND e.status IN ${FINISHED}
          LIMIT $2) x
       LIMIT $2`,
      [teamCutoffsParam(cutoffs), limit],
    );
    if (!rows.length) return { executions: 0, steps: 0 };
    const ids = rows.map((r) => r.id);
    // Steps first, explicitly (not by the cascade), so the pass can say how many it deleted.
    return this.db.transaction(async (m) => {
      const [steps] = await m.query(`WITH d AS (DELETE FROM execution_steps WHERE execution_id = ANY($1::uuid[]) RETURNING 1) SELECT count(*)::int AS n FROM d`, [ids]);
      const [executions] = await m.query(
        `WITH d AS (DELETE FROM executions WHERE id = ANY($1::uuid[]) AND status IN ${FINISHED} RETURNING 1) SELECT count(*)::int AS n FROM d`,
        [ids],
      );
      return { executions: executions.n as number, steps: steps.n as number };
    });
  }
}
