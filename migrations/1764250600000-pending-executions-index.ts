import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The execution reconciler walks PENDING single runs in (created_at, id) order every few seconds; a
 * partial index keeps that pass proportional to the (few) waiting runs instead of the whole history.
 */
export class PendingExecutionsIndex1764250600000 implements MigrationInterface {
  name = 'PendingExecutionsIndex1764250600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX executions_pending_idx ON executions (created_at, id) WHERE status = 'PENDING' AND suite_run_id IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS executions_pending_idx');
  }
}
