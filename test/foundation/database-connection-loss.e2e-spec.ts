import { Client, type Pool, type PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { startTestApp, type TestApp } from '../support/test-app';
import { TEST_PG_ADMIN_URL } from '../support/test-env';

/**
 * A connection of the service's pool that the server ends while the service holds it outside a query
 * (what a failover or `pg_terminate_backend` does at an unlucky moment) must not throw an unhandled
 * 'error' — in a worker that is a crash. src/database/pool-error-guard.ts gives every pooled client a
 * lasting listener; without it this test fails with "Unhandled error … terminating connection".
 */
describe('database: a pooled connection ended by the server outside a query', () => {
  let t: TestApp;
  let admin: Client;

  beforeAll(async () => {
    t = await startTestApp('db_loss', { env: { APP_MODE: 'api' } });
    admin = new Client({ connectionString: TEST_PG_ADMIN_URL });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await t?.close();
  });

  it('is logged and dropped, and the service keeps answering', async () => {
    const pool = (t.app.get(DataSource).driver as unknown as { master: Pool }).master;
    const held: PoolClient = await pool.connect(); // checked out: the pool's idle listener is off it
    // Someone still listens for 'error' on it (else the termination below would throw, unhandled).
    expect(held.listenerCount('error')).toBeGreaterThan(0);
    const pid = (await held.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    const ended = new Promise((resolve) => held.once('end', resolve));
    const { rows } = await admin.query<{ terminated: boolean }>('SELECT pg_terminate_backend($1) AS terminated', [pid]);
    expect(rows[0].terminated).toBe(true);
    await ended; // the FATAL notice arrived and was handled (an unhandled 'error' would have failed the test)
    held.release(true);

    await t.http.get('/health/ready').expect(200);
  });
});
