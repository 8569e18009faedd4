import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Flow language v2 run semantics (#16): flow-level defaults (`defaults.retry`) stored with each
 * version; a step that failed with allowFailure is a warning, and an execution counts its warnings.
 */
export class FlowRunSemantics1764251100000 implements MigrationInterface {
  name = 'FlowRunSemantics1764251100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE flow_versions ADD COLUMN defaults jsonb NOT NULL DEFAULT '{}'::jsonb`);
    await q.query('ALTER TABLE execution_steps ADD COLUMN warning boolean NOT NULL DEFAULT false');
    await q.query('ALTER TABLE executions ADD COLUMN warnings int NOT NULL DEFAULT 0');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE executions DROP COLUMN IF EXISTS warnings');
    await q.query('ALTER TABLE execution_steps DROP COLUMN IF EXISTS warning');
    await q.query('ALTER TABLE flow_versions DROP COLUMN IF EXISTS defaults');
  }
}
