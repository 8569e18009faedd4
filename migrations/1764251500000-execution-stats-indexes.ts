import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Flakiness analytics (issue #20 item 2) aggregate a team's executions in a time window and their step
 * rows. Covering indexes let both statements read only index pages (index-only scans), not the wide
 * rows with their variables, requests and responses:
 * - executions by (team, flow, created_at) and by (team, created_at), carrying what the statistics read.
 *   They replace the list pages' indexes on the same keys (a B-tree reads backwards as fast, so the
 *   newest-first lists use them as before) rather than adding two more indexes every run writes;
 * - execution_steps by execution id, carrying step id, status, attempts and duration.
 */
export class ExecutionStatsIndexes1764251500000 implements MigrationInterface {
  name = 'ExecutionStatsIndexes1764251500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX executions_team_flow_stats_idx ON executions (team_id, flow_id, created_at) INCLUDE (id, status, flow_version, started_at, finished_at)');
    await q.query('DROP INDEX IF EXISTS executions_team_flow_idx');
    await q.query('CREATE INDEX executions_team_created_stats_idx ON executions (team_id, created_at) INCLUDE (id, flow_id, flow_version, status)');
    await q.query('DROP INDEX IF EXISTS executions_team_created_idx');
    await q.query('CREATE INDEX execution_steps_stats_idx ON execution_steps (execution_id) INCLUDE (step_id, status, attempts, duration_ms)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS execution_steps_stats_idx');
    await q.query('CREATE INDEX IF NOT EXISTS executions_team_created_idx ON executions (team_id, created_at DESC)');
    await q.query('DROP INDEX IF EXISTS executions_team_created_stats_idx');
    await q.query('CREATE INDEX IF NOT EXISTS executions_team_flow_idx ON executions (team_id, flow_id, created_at DESC)');
    await q.query('DROP INDEX IF EXISTS executions_team_flow_stats_idx');
  }
}
