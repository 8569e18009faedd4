import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';

/**
 * Runs a named prepared statement on the DataSource's own pg pool, for the engine's per-step
 * statements: Postgres parses and plans each once per connection instead of on every call, and the
 * call skips TypeORM's query-runner bookkeeping. `name` must be unique per statement text.
 */
export async function preparedQuery<Row>(db: DataSource, name: string, text: string, values: unknown[]): Promise<Row[]> {
  // TypeORM's PostgresDriver keeps its pg.Pool as `master` (typed `any` there).
  const pool = (db.driver as unknown as { master: Pool }).master;
  const result = await pool.query({ name, text, values });
  return result.rows as Row[];
}
