import type { Client } from 'pg';
import type { ServiceProcess } from '../../bench/lib/processes';
import { createFlow, noRetry, runFlow } from '../support/flow-helpers';
import { ownerWithTeam } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';
import { connectDb, inconsistentExecutions, startWorkerFor, statusCounts, waitUntil } from './drill-support';

/**
 * Drill: the only worker is SIGKILLed while 100 executions are mid-step. A new worker takes the
 * stalled jobs over once their locks expire; every execution resumes from the interrupted step,
 * finishes, and records the recovery. Needs `npm run build` (the workers run dist/src/main.js).
 */
const IN_FLIGHT = 100;

describe('drill: worker SIGKILL with executions in flight', () => {
  let t: TestApp;
  let db: Client;
  const workers: ServiceProcess[] = [];

  beforeAll(async () => {
    t = await startTestApp('drill_kill', { env: { APP_MODE: 'api' } });
    db = await connectDb(t);
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await db?.end();
    await t?.close();
  });

  it(`resumes all ${IN_FLIGHT} executions on a new worker and records each recovery`, async () => {
    const env = { JOB_LOCK_MS: '2000', WORKER_CONCURRENCY: String(IN_FLIGHT) };
    const { user, teamId } = await ownerWithTeam(t, 'kill');
    const flowId = await createFlow(t, user, teamId, {
      name: 'long middle step',
      steps: [
        noRetry({ name: 'first', type: 'delay', config: { delayMs: 10 } }),
        // Long enough that the first runs are still in it when the last of the 100 is submitted, also on a
        // loaded CI machine (submitting took over 4 s there).
        noRetry({ name: 'long', type: 'delay', config: { delayMs: 12000 } }),
        noRetry({ name: 'last', type: 'delay', config: { delayMs: 10 } }),
      ],
    });
    workers.push(await startWorkerFor(t, env));
    const ids: string[] = [];
    for (let i = 0; i < IN_FLIGHT; i += 20) {
      ids.push(...(await Promise.all(Array.from({ length: 20 }, () => runFlow(t, user, teamId, flowId)))).map((r) => r.id));
    }
    // Every execution is inside its long step: none finished, none still queued.
    await waitUntil(
      'all executions to be in their long step',
      async () => (await db.query(`SELECT count(*)::int AS n FROM execution_steps WHERE step_index = 1 AND status = 'IN_PROGRESS'`)).rows[0].n === IN_FLIGHT,
      11_000,
    );
    await workers[0].stop('SIGKILL');
    expect(await statusCounts(db, ids)).toEqual({ IN_PROGRESS: IN_FLIGHT });

    workers.push(await startWorkerFor(t, env));
    await waitUntil('every execution to finish', async () => (await statusCounts(db, ids)).COMPLETED === IN_FLIGHT, 60_000, 250);

    const { rows } = await db.query(`SELECT id, attempt, recoveries FROM executions WHERE id = ANY($1::uuid[])`, [ids]);
    expect(rows).toHaveLength(IN_FLIGHT);
    for (const row of rows) {
      expect(row.attempt).toBe(2);
      expect(row.recoveries).toHaveLength(1);
      expect(row.recoveries[0]).toMatchObject({ attempt: 2, resumedFromStep: 1 });
      expect(row.recoveries[0].reason).toMatch(/stalled|stopped/);
    }
    const steps = await db.query(`SELECT step_index, status, count(*)::int AS n FROM execution_steps GROUP BY 1, 2 ORDER BY 1`);
    expect(steps.rows).toEqual([0, 1, 2].map((i) => ({ step_index: i, status: 'SUCCESS', n: IN_FLIGHT })));
    expect(await inconsistentExecutions(db)).toEqual([]);
  }, 120_000);
});
