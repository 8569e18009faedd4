import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The lines a step plugin logs (`ctx.log`, e.g. the LogQL a Loki step ran), stored with the step:
 * bounded and redacted by the engine, NULL when the step logged nothing. Nullable without a default,
 * so adding it rewrites no row.
 */
export class StepLogs1764252000000 implements MigrationInterface {
  name = 'StepLogs1764252000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE execution_steps ADD COLUMN logs jsonb');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE execution_steps DROP COLUMN logs');
  }
}
