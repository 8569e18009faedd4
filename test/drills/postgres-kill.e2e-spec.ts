import { Client } from 'pg';
import { createFlow, noRetry, runFlow, waitForExecution } from '../support/flow-helpers';
import { API, ownerWithTeam } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';
import { TEST_PG_ADMIN_URL } from '../support/test-env';
import { connectDb, inconsistentExecutions, statusCounts, waitUntil } from './drill-support';

/**
 * Drill: every Postgres connection of the service is terminated (pg_terminate_backend, what a
 * failover or an admin does), three times, while executions run in-process (APP_MODE=all). The
 * service must recover by itself: every execution completes (its writes are re-sent on a fresh
 * connection), step rows agree with their execution (no half-written execution), and the API and the
 * worker serve new work afterwards.
 */
describe('drill: Postgres connections killed during runs', () => {
  let t: TestApp;
  let admin: Client;

  beforeAll(async () => {
    t = await startTestApp('drill_pg', { env: { WORKER_CONCURRENCY: '40' } });
    admin = new Client({ connectionString: TEST_PG_ADMIN_URL });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await t?.close();
  });

  const killConnections = async (): Promise<number> => {
    const { rows } = await admin.query(
      `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS killed FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
      [new URL(t.config.DATABASE_URL).pathname.slice(1)],
    );
    return rows[0].killed;
  };

  it('ends every execution consistently and keeps serving', async () => {
    const { user, teamId } = await ownerWithTeam(t, 'pg');
    const flowId = await createFlow(t, user, teamId, {
      name: 'eight short steps',
      steps: Array.from({ length: 8 }, (_, i) => noRetry({ name: `wait${i}`, type: 'delay', config: { delayMs: 150 } })),
    });
    const ids = (await Promise.all(Array.from({ length: 40 }, () => runFlow(t, user, teamId, flowId)))).map((r) => r.id);

    let killed = 0;
    for (let round = 0; round < 3; round++) {
      await new Promise((r) => setTimeout(r, 300));
      killed += await killConnections();
    }
    expect(killed).toBeGreaterThan(0);

    const db = await waitUntil('a database connection', async () => connectDbSafely(t), 10_000);
    try {
      await waitUntil('every execution to end', async () => {
        const counts = await statusCounts(db, ids);
        return (counts.COMPLETED ?? 0) + (counts.FAILED ?? 0) + (counts.CANCELLED ?? 0) === ids.length;
      }, 30_000, 250);
      expect(await inconsistentExecutions(db)).toEqual([]);
      const counts = await statusCounts(db, ids);
      const { rows: failures } = await db.query(`SELECT error FROM executions WHERE id = ANY($1::uuid[]) AND status = 'FAILED'`, [ids]);
      console.log(`after ${killed} terminated connections: ${JSON.stringify(counts)}; failure reasons: ${JSON.stringify([...new Set(failures.map((f) => f.error))])}`);
      // Progress writes are idempotent and re-sent on a fresh connection (ExecutionProgressService):
      // a killed connection delays a run, it does not fail it, and no attempt is counted twice.
      expect(counts).toEqual({ COMPLETED: ids.length });
      const { rows: attempts } = await db.query(`SELECT DISTINCT attempt, jsonb_array_length(recoveries) AS recoveries FROM executions WHERE id = ANY($1::uuid[])`, [ids]);
      expect(attempts).toEqual([{ attempt: 1, recoveries: 0 }]);
    } finally {
      await db.end();
    }

    // Recovered: readiness, reads and a complete new run.
    await waitUntil('readiness', async () => (await t.http.get('/health/ready')).status === 200, 10_000, 200);
    await t.http.get(`${API}/teams/${teamId}/executions`).set(user.auth).expect(200);
    const fresh = await runFlow(t, user, teamId, flowId);
    expect((await waitForExecution(t, user, teamId, fresh.id)).status).toBe('COMPLETED');
  }, 60_000);
});

async function connectDbSafely(t: TestApp): Promise<Client | undefined> {
  try {
    return await connectDb(t);
  } catch {
    return undefined;
  }
}
