import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The large jsonb values — a flow version's steps, a step's stored request, response, assertions and
 * logs — are compressed with lz4 instead of pglz when Postgres stores them out of line: several times
 * faster to compress for the same work, which is Postgres CPU on every save of a long flow and every
 * step with a large body (bench/RESULTS.md, session 6). Only values written from now on use it; nothing
 * is rewritten. A server built without lz4 keeps pglz (the statement fails there and is skipped).
 */
const COLUMNS: ReadonlyArray<[table: string, column: string]> = [
  ['flow_versions', 'steps'],
  ['execution_steps', 'request'],
  ['execution_steps', 'response'],
  ['execution_steps', 'assertions'],
  ['execution_steps', 'logs'],
];

export class Lz4ToastCompression1764252100000 implements MigrationInterface {
  name = 'Lz4ToastCompression1764252100000';

  async up(q: QueryRunner): Promise<void> {
    await setCompression(q, 'lz4');
  }

  async down(q: QueryRunner): Promise<void> {
    await setCompression(q, 'pglz');
  }
}

async function setCompression(q: QueryRunner, method: 'lz4' | 'pglz'): Promise<void> {
  const statements = COLUMNS.map(([table, column]) => `ALTER TABLE ${table} ALTER COLUMN ${column} SET COMPRESSION ${method}`);
  await q.query(`
    DO $$ BEGIN
      ${statements.map((s) => `EXECUTE '${s}';`).join('\n      ')}
    EXCEPTION WHEN feature_not_supported THEN
      RAISE NOTICE 'lz4 is not available in this Postgres build: large values stay pglz-compressed';
    END $$`);
}
