import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sub-flows and outputs (issue #16 item 5): a flow version declares outputs (name → template); an
 * execution stores their values when it ends; a `flow` step's child execution points at its parent
 * (and the parent's step row at the child), so the link reads both ways in the API and the reports.
 */
export class SubFlows1764251200000 implements MigrationInterface {
  name = 'SubFlows1764251200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE flow_versions ADD COLUMN outputs jsonb NOT NULL DEFAULT '{}'::jsonb`);
    await q.query('ALTER TABLE executions ADD COLUMN outputs jsonb');
    // No foreign key: executions are never deleted one by one, and a child insert must not lock its parent row.
    await q.query('ALTER TABLE executions ADD COLUMN parent_execution_id uuid');
    await q.query('ALTER TABLE executions ADD COLUMN parent_step_index int');
    await q.query('CREATE INDEX executions_parent_idx ON executions (parent_execution_id) WHERE parent_execution_id IS NOT NULL');
    await q.query('ALTER TABLE execution_steps ADD COLUMN child_execution_id uuid');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE execution_steps DROP COLUMN IF EXISTS child_execution_id');
    await q.query('DROP INDEX IF EXISTS executions_parent_idx');
    await q.query('ALTER TABLE executions DROP COLUMN IF EXISTS parent_step_index');
    await q.query('ALTER TABLE executions DROP COLUMN IF EXISTS parent_execution_id');
    await q.query('ALTER TABLE executions DROP COLUMN IF EXISTS outputs');
    await q.query('ALTER TABLE flow_versions DROP COLUMN IF EXISTS outputs');
  }
}
