import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every execution carries a correlation id (sent to the system under test as a header, usable in
 * `${execution.correlationId}`) and a W3C trace id (the `traceparent` of every request it sends), so
 * logs, metrics and traces of the system under test can be tied back to the run that caused them.
 *
 * Nullable without a default: adding them is instant on a large executions table (a volatile default
 * such as gen_random_uuid() would rewrite it under an exclusive lock). Every new run sets both; rows
 * from before read as derived from their id (executions/execution-correlation.ts).
 */
export class ExecutionCorrelation1764251300000 implements MigrationInterface {
  name = 'ExecutionCorrelation1764251300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE executions ADD COLUMN correlation_id varchar(128), ADD COLUMN trace_id char(32)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE executions DROP COLUMN IF EXISTS trace_id, DROP COLUMN IF EXISTS correlation_id');
  }
}
