import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Bounded storage (issue #15): executions record the bytes their steps stored (kept by the statements
 * that store them), teams may override how long their runs are kept, and the retention pass finds old
 * rows by creation time through indexes that lead with the team.
 */
export class RetentionAndStoredBytes1764251000000 implements MigrationInterface {
  name = 'RetentionAndStoredBytes1764251000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE executions ADD COLUMN stored_bytes int NOT NULL DEFAULT 0');
    await q.query('ALTER TABLE teams ADD COLUMN execution_retention_days int CHECK (execution_retention_days BETWEEN 1 AND 36500)');
    // executions(team_id, created_at) and suite_runs(team_id, created_at) exist already (list pages).
    await q.query('CREATE INDEX webhook_deliveries_team_created_idx ON webhook_deliveries(team_id, created_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS webhook_deliveries_team_created_idx');
    await q.query('ALTER TABLE teams DROP COLUMN IF EXISTS execution_retention_days');
    await q.query('ALTER TABLE executions DROP COLUMN IF EXISTS stored_bytes');
  }
}
