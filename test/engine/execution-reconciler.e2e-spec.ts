import { randomUUID } from 'node:crypto';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { ExecutionsService } from '../../src/executions/executions.service';
import { EXECUTIONS_QUEUE } from '../../src/queue/queue.constants';
import { createFlow, noRetry, runFlow, waitForExecution } from '../support/flow-helpers';
import { API, ownerWithTeam, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';

const INTERVAL_MS = 300;

/**
 * The execution reconciler (bug B2): a single run whose queue job vanished from Redis — Redis lost its
 * data, a job was removed by hand, or the API died between writing the row and queueing the job — is
 * re-queued by a worker and runs, keeping what is left of its initialDelay. Jobs are removed straight
 * from Redis here; test/drills/redis-restart covers a real Redis restart.
 */
describe('execution reconciler', () => {
  let t: TestApp;
  let user: TestUser;
  let teamId: string;
  let flowId: string;
  let queue: Queue;
  let db: DataSource;

  beforeAll(async () => {
    t = await startTestApp('reconciler', { env: { EXECUTION_RECONCILE_INTERVAL_MS: String(INTERVAL_MS) } });
    ({ user, teamId } = await ownerWithTeam(t, 'reconciler'));
    flowId = await createFlow(t, user, teamId, { name: 'short', steps: [noRetry({ name: 'wait', type: 'delay', config: { delayMs: 50 } })] });
    queue = t.app.get<Queue>(getQueueToken(EXECUTIONS_QUEUE));
    db = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t?.close();
  });

  const statusOf = async (id: string): Promise<string> => (await db.query(`SELECT status FROM executions WHERE id = $1`, [id]))[0]?.status;

  it('re-queues a delayed execution whose job was removed from Redis, and still waits out its initialDelay', async () => {
    const initialDelay = 4000;
    const run = await runFlow(t, user, teamId, flowId, { parameters: { initialDelay } });
    expect(await (await queue.getJob(run.id))?.isDelayed()).toBe(true);
    await queue.remove(run.id);
    expect(await queue.getJob(run.id)).toBeUndefined();

    // Back in the queue (after the 2 s grace period), still delayed: it was due 4 s after creation.
    const deadline = Date.now() + 10_000;
    while (!(await queue.getJob(run.id)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const job = await queue.getJob(run.id);
    expect(job).toBeDefined();
    expect(await job!.isDelayed()).toBe(true);
    expect(await statusOf(run.id)).toBe('PENDING');

    const done = await waitForExecution(t, user, teamId, run.id, 20_000);
    expect(done.status).toBe('COMPLETED');
    expect(done.attempt).toBe(1);
    // Started no earlier than scheduled (created_at and started_at both come from Postgres' clock).
    expect(new Date(done.startedAt).getTime() - new Date(done.createdAt).getTime()).toBeGreaterThanOrEqual(initialDelay - 50);
  }, 30_000);

  it('re-queues every queued execution after the whole queue is obliterated', async () => {
    const runs = await Promise.all([0, 1500, 3000, 3000, 6000].map((initialDelay) => runFlow(t, user, teamId, flowId, { parameters: { initialDelay } })));
    await queue.obliterate({ force: true });
    for (const run of runs) expect(await queue.getJob(run.id)).toBeUndefined();
    const done = await Promise.all(runs.map((run) => waitForExecution(t, user, teamId, run.id, 25_000)));
    expect(done.map((e) => e.status)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED', 'COMPLETED', 'COMPLETED']);
  }, 40_000);

  it('queues a single run whose row was written but never queued, and leaves unqueued suite executions to the suites', async () => {
    const executions = t.app.get(ExecutionsService);
    const team = { teamId, userId: user.id };
    // What the API leaves behind when it dies between the commit and queue.add (createPending without enqueue).
    const single = await executions.createPending(team, { flowId }, 'api', null);
    // Suites write their executions up front and queue them as slots free up: not the reconciler's business.
    const ofSuite = await executions.createPending(team, { flowId }, 'suite', randomUUID());

    expect((await waitForExecution(t, user, teamId, single.id, 15_000)).status).toBe('COMPLETED');
    await new Promise((r) => setTimeout(r, 5 * INTERVAL_MS));
    expect(await statusOf(ofSuite.id)).toBe('PENDING');
    expect(await queue.getJob(ofSuite.id)).toBeUndefined();
  }, 30_000);

  it('does not bring back an execution that was cancelled while queued', async () => {
    const run = await runFlow(t, user, teamId, flowId, { parameters: { initialDelay: 3000 } });
    await t.http.post(`${API}/teams/${teamId}/executions/${run.id}/cancel`).set(user.auth).expect(200);
    expect(await statusOf(run.id)).toBe('CANCELLED');
    await new Promise((r) => setTimeout(r, 2000 + 5 * INTERVAL_MS));
    expect(await queue.getJob(run.id)).toBeUndefined();
    expect(await statusOf(run.id)).toBe('CANCELLED');
  }, 20_000);
});
