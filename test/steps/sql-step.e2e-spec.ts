import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { Client } from 'pg';
import { AppConfig } from '../../src/config/app-config';
import { StepError, type ResolvedResource } from '../../src/steps/step-plugin';
import type { SqlStepConfig } from '../../src/integrations/sql/sql-step.config';
import { SqlStep } from '../../src/integrations/sql/sql.step';
import { adminQuery, createTestDatabase } from '../support/test-database';
import { TEST_MARIADB_URL } from '../support/test-env';
import { testClientPools, resource, sleep, stepContext, testEgress } from './step-test-support';

/**
 * The SQL step against the machine's real PostgreSQL and MariaDB: bound parameters, JSON-typed values,
 * the read-only transaction of resources without allowWrites, the statement timeout and cancellation.
 * The step connects as an unprivileged account made for this file (the step refuses superusers).
 */

interface Engine {
  name: 'postgres' | 'mariadb';
  /** Resource config without allowWrites / statementTimeoutMs. */
  base: Record<string, unknown>;
  admin(sql: string): Promise<Array<Record<string, unknown>>>;
  sleepQuery(seconds: number): string;
  seriesQuery(n: number): string;
  typesQuery: string;
  /** Statements running `marker` right now (to prove a cancelled query stopped); Postgres keeps the last query text of idle sessions, hence state = 'active'. */
  running(marker: string): Promise<number>;
  cleanup(): Promise<void>;
}

const suffix = randomBytes(4).toString('hex');
const table = `orders_${suffix}`;
const account = { user: `ats_sql_step_${suffix}`, password: `pw-${randomBytes(8).toString('hex')}` };

async function postgresEngine(): Promise<Engine> {
  const database = await createTestDatabase('sql_step');
  const url = new URL(database.url);
  const admin = new Client({ connectionString: database.url });
  await admin.connect();
  // Tables the admin creates later are the account's to read and write; nothing else is.
  await admin.query(`CREATE ROLE ${account.user} LOGIN PASSWORD '${account.password}'`);
  await admin.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES TO ${account.user}`);
  return {
    name: 'postgres',
    base: { engine: 'postgres', host: url.hostname, port: Number(url.port || 5432), database: database.name, ...account, poolSize: 3 },
    admin: async (sql) => (await admin.query(sql)).rows,
    sleepQuery: (s) => `SELECT pg_sleep(${s}) AS slept`,
    seriesQuery: (n) => `SELECT g AS n FROM generate_series(1, ${n}) AS g`,
    typesQuery: `SELECT 9223372036854775807::bigint AS big, 42::int AS small, 12345678901234567890.12::numeric AS amount,
      true AS flag, NULL::text AS nothing, '2024-02-03'::date AS day, '2024-02-03 04:05:06.789'::timestamp AS at,
      '2024-02-03 04:05:06.789+02'::timestamptz AS at_tz, '{"a":[1,2]}'::jsonb AS doc, 1.5::float8 AS ratio`,
    running: async (marker) =>
      Number((await admin.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE $1 AND pid <> pg_backend_pid()`, [`%${marker}%`])).rows[0].n),
    cleanup: async () => {
      await admin.end();
      await database.drop();
      await adminQuery(`DROP ROLE IF EXISTS ${account.user}`);
    },
  };
}

async function mariadbEngine(): Promise<Engine> {
  const url = new URL(TEST_MARIADB_URL);
  const admin = await mysql.createConnection({ host: url.hostname, port: Number(url.port || 3306), user: decodeURIComponent(url.username || 'root'), password: decodeURIComponent(url.password), database: url.pathname.slice(1) });
  const database = url.pathname.slice(1);
  await admin.query(`CREATE USER '${account.user}'@'%' IDENTIFIED BY '${account.password}'`);
  await admin.query(`GRANT ALL PRIVILEGES ON \`${database}\`.* TO '${account.user}'@'%'`);
  return {
    name: 'mariadb',
    base: { engine: 'mysql', host: url.hostname, port: Number(url.port || 3306), database, ...account, poolSize: 3 },
    admin: async (sql) => (await admin.query(sql))[0] as Array<Record<string, unknown>>,
    sleepQuery: (s) => `SELECT SLEEP(${s}) AS slept`,
    seriesQuery: (n) => `SELECT seq AS n FROM seq_1_to_${n}`,
    typesQuery: `SELECT CAST(9223372036854775807 AS SIGNED) AS big, 42 AS small, CAST(12345678901234567890.12 AS DECIMAL(30,2)) AS amount,
      TRUE AS flag, NULL AS nothing, DATE('2024-02-03') AS day, CAST('2024-02-03 04:05:06.789' AS DATETIME(3)) AS at,
      CAST('2024-02-03 02:05:06.789' AS DATETIME(3)) AS at_tz, JSON_OBJECT('a', JSON_ARRAY(1, 2)) AS doc, 1.5e0 AS ratio`,
    running: async (marker) => {
      const [rows] = await admin.query(`SELECT COUNT(*) AS n FROM information_schema.processlist WHERE info LIKE ? AND id <> CONNECTION_ID()`, [`%${marker}%`]);
      return Number((rows as Array<{ n: number }>)[0].n);
    },
    cleanup: async () => {
      await admin.query(`DROP TABLE IF EXISTS ${table}`);
      await admin.query(`DROP USER IF EXISTS '${account.user}'@'%'`);
      await admin.end();
    },
  };
}

describe.each([
  ['postgres', postgresEngine],
  ['mariadb', mariadbEngine],
] as const)('sql step on %s (real server)', (_name, createEngine) => {
  let engine: Engine;
  const resources = testClientPools();
  // The shared Postgres is both the system under test and the default config's own database.
  const step = new SqlStep(resources, new AppConfig(), testEgress({ EGRESS_ALLOW_CONTROL_PLANE: 'true' }));
  let readOnly: ResolvedResource;
  let writable: ResolvedResource;

  const run = (r: ResolvedResource, config: Omit<SqlStepConfig, 'resourceId'>, timeoutMs?: number) =>
    step.run(stepContext({ resourceId: r.id, ...config }, { resource: r, timeoutMs }));

  beforeAll(async () => {
    engine = await createEngine();
    await engine.admin(`CREATE TABLE ${table} (id INT PRIMARY KEY, customer VARCHAR(50) NOT NULL, total DECIMAL(12,2) NOT NULL)`);
    await engine.admin(`INSERT INTO ${table} VALUES (1, 'alice', 10.50), (2, 'bob', 20.00), (3, 'alice', 30.25)`);
    readOnly = resource('sql', { ...engine.base, allowWrites: false, statementTimeoutMs: 1000 }, `${engine.name}-ro`);
    writable = resource('sql', { ...engine.base, allowWrites: true, statementTimeoutMs: 60_000 }, `${engine.name}-rw`);
  });
  afterAll(async () => {
    await step.onModuleDestroy();
    await resources.closeAll();
    await engine.cleanup();
  });

  it('selects with named parameters bound by the driver', async () => {
    const result = await run(readOnly, {
      query: `SELECT id, customer, total FROM ${table} WHERE customer = :customer AND id >= :minId ORDER BY id`,
      parameters: { customer: 'alice', minId: 1 },
    });
    expect(result).toMatchObject({ rowCount: 2, columns: ['id', 'customer', 'total'], truncated: false });
    expect(result.rows).toEqual([
      { id: 1, customer: 'alice', total: '10.50' },
      { id: 3, customer: 'alice', total: '30.25' },
    ]);
    expect(result.executionTimeMs).toBeGreaterThanOrEqual(0);
  });

  it('binds a hostile value as data, not SQL', async () => {
    const result = await run(readOnly, { query: `SELECT COUNT(*) AS n FROM ${table} WHERE customer = :customer`, parameters: { customer: "alice' OR '1'='1" } });
    expect(Number(result.rows[0].n)).toBe(0);
  });

  it('returns JSON types: big integers and decimals as strings, ISO times, dates, booleans, null, JSON', async () => {
    const { rows } = await run(readOnly, { query: engine.typesQuery });
    expect(rows[0]).toMatchObject({
      big: '9223372036854775807',
      small: 42,
      amount: '12345678901234567890.12',
      nothing: null,
      day: '2024-02-03',
      at: expect.stringMatching(/^2024-02-03T04:05:06\.789(000)?Z$/),
      at_tz: '2024-02-03T02:05:06.789Z',
      doc: { a: [1, 2] },
      ratio: 1.5,
    });
    // MariaDB has no boolean type: TRUE is the integer 1.
    expect(rows[0].flag).toBe(engine.name === 'postgres' ? true : 1);
  });

  it('refuses a write on a resource without allowWrites (the database refuses it) and leaves the data unchanged', async () => {
    const insert = run(readOnly, { query: `INSERT INTO ${table} (id, customer, total) VALUES (:id, 'mallory', 1)`, parameters: { id: 99 } });
    await expect(insert).rejects.toThrow(StepError);
    await expect(insert).rejects.toThrow(/refused a write on resource ".*-ro".*read-only transaction; set allowWrites/);
    // DDL too: MariaDB commits the transaction before DDL, so only the read-only session mode stops it.
    await expect(run(readOnly, { query: `DROP TABLE ${table}` })).rejects.toThrow(/refused a write/);
    await expect(run(readOnly, { query: `CREATE TABLE evil_${suffix} (x INT)` })).rejects.toThrow(/refused a write/);
    expect(Number((await engine.admin(`SELECT COUNT(*) AS n FROM ${table}`))[0].n)).toBe(3);
  });

  it('cannot leave the read-only transaction with a second statement', async () => {
    await expect(run(readOnly, { query: `COMMIT; DELETE FROM ${table}` })).rejects.toThrow(StepError);
    // COUNT(*) is a BIGINT on both engines: a string.
    expect((await run(readOnly, { query: `SELECT COUNT(*) AS n FROM ${table}` })).rows[0].n).toBe('3');
  });

  it('writes on a resource with allowWrites and reports affected rows', async () => {
    const insert = await run(writable, { query: `INSERT INTO ${table} (id, customer, total) VALUES (:id, :customer, :total)`, parameters: { id: 10, customer: 'carol', total: '5.00' } });
    expect(insert).toMatchObject({ rowCount: 1, rows: [], columns: [] });
    const update = await run(writable, { query: `UPDATE ${table} SET total = total + 1 WHERE customer = :customer`, parameters: { customer: 'alice' } });
    expect(update.rowCount).toBe(2);
    const read = await run(readOnly, { query: `SELECT customer FROM ${table} WHERE id = :id`, parameters: { id: 10 } });
    expect(read.rows).toEqual([{ customer: 'carol' }]);
    await run(writable, { query: `DELETE FROM ${table} WHERE id = :id`, parameters: { id: 10 } });
    await run(writable, { query: `UPDATE ${table} SET total = total - 1 WHERE customer = :customer`, parameters: { customer: 'alice' } });
  });

  it('keeps at most maxRows rows and says the result was truncated', async () => {
    const result = await run(readOnly, { query: engine.seriesQuery(50), maxRows: 10 });
    expect(result.rows).toHaveLength(10);
    expect(result.rows[9]).toEqual({ n: engine.name === 'postgres' ? 10 : '10' });
    expect(result).toMatchObject({ rowCount: 50, truncated: true, columns: ['n'] });
  });

  it('stops a statement at the resource statement timeout with a clear error', async () => {
    const started = Date.now();
    await expect(run(readOnly, { query: engine.sleepQuery(5) })).rejects.toThrow(/exceeded the statement timeout of 1000 ms on resource ".*-ro"/);
    expect(Date.now() - started).toBeLessThan(4000);
    // The pooled connection is still usable afterwards.
    expect((await run(readOnly, { query: 'SELECT 1 AS one' })).rows).toEqual([{ one: 1 }]);
  });

  it('cancels the running statement on the server when the step is aborted', async () => {
    const marker = `cancel_me_${randomBytes(3).toString('hex')}`;
    const ctx = stepContext({ resourceId: writable.id, query: `SELECT '${marker}' AS marker, ${engine.sleepQuery(30).replace(/^SELECT /, '')}` }, { resource: writable });
    const running = step.run(ctx);
    running.catch(() => undefined);
    for (let i = 0; i < 50 && (await engine.running(marker)) === 0; i++) await sleep(50);
    expect(await engine.running(marker)).toBe(1);
    const aborted = Date.now();
    ctx.abort(new Error('execution cancelled by user'));
    await expect(running).rejects.toThrow(/query cancelled on resource ".*-rw" \(execution cancelled by user\)/);
    expect(Date.now() - aborted).toBeLessThan(3000);
    expect(await engine.running(marker)).toBe(0);
    expect((await run(writable, { query: 'SELECT 2 AS two' })).rows).toEqual([{ two: 2 }]);
  });

  it('names a placeholder without a parameter', async () => {
    await expect(run(readOnly, { query: `SELECT * FROM ${table} WHERE id = :orderId`, parameters: { orderID: 1 } })).rejects.toThrow(/:orderId but no such parameter/);
  });

  it('says when the database cannot be reached', async () => {
    const down = resource('sql', { ...engine.base, port: 1 }, `${engine.name}-down`);
    await expect(run(down, { query: 'SELECT 1' })).rejects.toThrow(new RegExp(`cannot connect to the database on resource "${engine.name}-down": .*ECONNREFUSED`));
  });

  it('reports a database error with its message', async () => {
    await expect(run(readOnly, { query: 'SELECT * FROM no_such_table_here' })).rejects.toThrow(/query failed on resource ".*-ro": .*no_such_table_here/);
  });
});
