import type { ChildProcess } from 'node:child_process';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { Client } from 'pg';
import { EXECUTIONS_QUEUE } from '../../src/queue/queue.constants';
import { createFlow, noRetry, runFlow, waitForExecution } from '../support/flow-helpers';
import { ownerWithTeam, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';
import { startWorkerProcess } from '../support/worker-process';

/**
 * The worst case for a running execution: its worker dies AND Redis loses its job (a machine restart
 * of both). BullMQ's stalled-job check needs the job, so only the worker heartbeat stamped in Postgres
 * can tell that nobody runs it any more. With a 300 ms heartbeat, the stamp is stale after 1.8 s.
 */
describe('an IN_PROGRESS execution whose worker died and whose job Redis lost', () => {
  const HEARTBEAT_MS = 300;
  const workerEnv = { EXECUTION_HEARTBEAT_INTERVAL_MS: String(HEARTBEAT_MS), EXECUTION_RECONCILE_INTERVAL_MS: '500' };
  let t: TestApp;
  let db: Client;
  let queue: Queue;
  let user: TestUser;
  let teamId: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    t = await startTestApp('lost-running', { env: { APP_MODE: 'api' } });
    ({ user, teamId } = await ownerWithTeam(t, 'lost-running'));
    queue = t.app.get<Queue>(getQueueToken(EXECUTIONS_QUEUE));
    db = new Client({ connectionString: t.config.DATABASE_URL });
    await db.connect();
  });
  afterAll(async () => {
    children.forEach((c) => c.kill('SIGKILL'));
    await db.end();
    await t.close();
  });

  const heartbeatOf = async (id: string): Promise<number> =>
    new Date((await db.query('SELECT heartbeat_at FROM executions WHERE id = $1', [id])).rows[0].heartbeat_at).getTime();

  it('is resumed by a new worker once its heartbeat is stale, and records the recovery', async () => {
    const flowId = await createFlow(t, user, teamId, {
      name: 'long, then lost',
      steps: [noRetry({ name: 'first', type: 'delay', config: { delayMs: 10 } }), noRetry({ name: 'long', type: 'delay', config: { delayMs: 3000 } }), noRetry({ name: 'last', type: 'delay', config: { delayMs: 10 } })],
    });
    const first = startWorkerProcess(t, workerEnv);
    children.push(first);
    const run = await runFlow(t, user, teamId, flowId);
    await waitForExecution(t, user, teamId, run.id, 30000, (e) => e.steps[1].status === 'IN_PROGRESS');
    // A live worker keeps stamping the run it is running.
    const stamped = await heartbeatOf(run.id);
    await new Promise((resolve) => setTimeout(resolve, 3 * HEARTBEAT_MS));
    expect(await heartbeatOf(run.id)).toBeGreaterThan(stamped);

    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    await queue.obliterate({ force: true }); // Redis lost every job
    expect(await queue.getJob(run.id)).toBeUndefined();

    children.push(startWorkerProcess(t, workerEnv));
    const done = await waitForExecution(t, user, teamId, run.id, 30000);
    expect(done.status).toBe('COMPLETED');
    expect(done.attempt).toBe(2);
    expect(done.recoveries).toEqual([expect.objectContaining({ attempt: 2, resumedFromStep: 1 })]);
    expect(done.steps.map((s: { status: string }) => s.status)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
  }, 60_000);

  it('leaves a run alone while its worker is alive, even when its job is gone', async () => {
    const flowId = await createFlow(t, user, teamId, { name: 'long, alive', steps: [noRetry({ name: 'long', type: 'delay', config: { delayMs: 4000 } })] });
    children.push(startWorkerProcess(t, workerEnv));
    const run = await runFlow(t, user, teamId, flowId);
    await waitForExecution(t, user, teamId, run.id, 30000, (e) => e.steps[0].status === 'IN_PROGRESS');
    await queue.obliterate({ force: true });
    const done = await waitForExecution(t, user, teamId, run.id, 30000);
    expect(done.status).toBe('COMPLETED');
    expect(done.attempt).toBe(1); // never resumed elsewhere: the live worker's stamp stayed fresh
    expect(done.recoveries).toEqual([]);
  }, 60_000);
});
