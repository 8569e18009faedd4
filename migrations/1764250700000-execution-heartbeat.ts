import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Workers stamp the executions they are running every few seconds, so the reconciler can tell a run
 * whose worker died (stale stamp) from one still running, when Redis lost the run's job as well.
 */
export class ExecutionHeartbeat1764250700000 implements MigrationInterface {
  name = 'ExecutionHeartbeat1764250700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE executions ADD COLUMN heartbeat_at timestamptz');
    await q.query(`CREATE INDEX executions_running_heartbeat_idx ON executions (heartbeat_at) WHERE status = 'IN_PROGRESS'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS executions_running_heartbeat_idx');
    await q.query('ALTER TABLE executions DROP COLUMN IF EXISTS heartbeat_at');
  }
}
