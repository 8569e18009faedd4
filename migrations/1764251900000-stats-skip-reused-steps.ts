import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Flakiness analytics must not count the step rows a re-run copied from its original (`reused`,
 * migration 1764251700000): they are one run's result, not a second one. The covering index of the
 * stats queries (1764251500000) gains the column, so filtering on it keeps the index-only scan.
 */
export class StatsSkipReusedSteps1764251900000 implements MigrationInterface {
  name = 'StatsSkipReusedSteps1764251900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS execution_steps_stats_idx');
    await q.query('CREATE INDEX execution_steps_stats_idx ON execution_steps (execution_id) INCLUDE (step_id, status, attempts, duration_ms, reused)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS execution_steps_stats_idx');
    await q.query('CREATE INDEX execution_steps_stats_idx ON execution_steps (execution_id) INCLUDE (step_id, status, attempts, duration_ms)');
  }
}
