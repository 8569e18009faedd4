import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Re-runs (issue #20 item 3): an execution or suite run started by re-running another one names it in
 * `rerun_of`, and the step rows a re-run `?fromStep=` copied from the original are marked `reused`.
 * `rerun_of` has no foreign key: retention deletes an original on its own schedule, and a re-run keeps
 * naming it (GET on the id then answers 404, as for any expired run).
 */
export class ExecutionRerun1764251700000 implements MigrationInterface {
  name = 'ExecutionRerun1764251700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE executions ADD COLUMN rerun_of uuid');
    await q.query('ALTER TABLE execution_steps ADD COLUMN reused boolean NOT NULL DEFAULT false');
    await q.query('ALTER TABLE suite_runs ADD COLUMN rerun_of uuid');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE suite_runs DROP COLUMN IF EXISTS rerun_of');
    await q.query('ALTER TABLE execution_steps DROP COLUMN IF EXISTS reused');
    await q.query('ALTER TABLE executions DROP COLUMN IF EXISTS rerun_of');
  }
}
