import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every execution carries a correlation id (sent to the system under test as a header, usable in
 * `${execution.correlationId}`) and a W3C trace id (the `traceparent` of every HTTP request it sends),
 * so logs, metrics and traces of the system under test can be tied back to the run that caused them.
 * Rows older than this migration get fresh values: their runs sent none, but the API shape stays total.
 */
export class ExecutionCorrelation1764251300000 implements MigrationInterface {
  name = 'ExecutionCorrelation1764251300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE executions
      ADD COLUMN correlation_id varchar(128) NOT NULL DEFAULT gen_random_uuid()::text,
      ADD COLUMN trace_id char(32) NOT NULL DEFAULT replace(gen_random_uuid()::text, '-', '')`);
    await q.query('CREATE INDEX executions_team_correlation_idx ON executions (team_id, correlation_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS executions_team_correlation_idx');
    await q.query('ALTER TABLE executions DROP COLUMN IF EXISTS trace_id, DROP COLUMN IF EXISTS correlation_id');
  }
}
