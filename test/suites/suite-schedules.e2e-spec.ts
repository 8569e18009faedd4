import type { ChildProcess } from 'node:child_process';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { SUITES_QUEUE } from '../../src/queue/queue.constants';
import { createFlow, noRetry } from '../support/flow-helpers';
import { API, ownerWithTeam, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';
import { startWorkerProcess } from '../support/worker-process';
import { createSuite, runSuite, waitForSuiteRun } from './suite-helpers';

const startWorker = (t: TestApp): ChildProcess => startWorkerProcess(t);

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs = 20000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('suite schedules and orchestration across two worker processes', () => {
  let t: TestApp;
  let user: TestUser;
  let teamId: string;
  let queue: Queue;
  let flowId: string;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    // Per-second schedules make this test fast; the deployment default (SCHEDULE_MIN_INTERVAL_SEC=60) refuses them.
    t = await startTestApp('suite-schedules', { env: { APP_MODE: 'api', SCHEDULE_MIN_INTERVAL_SEC: '1' } });
    ({ user, teamId } = await ownerWithTeam(t, 'schedules'));
    queue = t.app.get<Queue>(getQueueToken(SUITES_QUEUE));
    flowId = await createFlow(t, user, teamId, { name: 'tick', steps: [noRetry({ name: 'wait', type: 'delay', config: { delayMs: 20 } })] });
    workers.push(startWorker(t), startWorker(t));
    // Both workers are consuming the suites queue once BullMQ lists two of them.
    await until(async () => ((await queue.getWorkersCount()) >= 2 ? true : undefined));
  });
  afterAll(async () => {
    workers.forEach((w) => w.kill('SIGKILL'));
    await t.close();
  });

  const runsOf = async (suiteId: string) =>
    (await t.http.get(`${API}/teams/${teamId}/suite-runs?suiteId=${suiteId}&trigger=schedule&pageSize=200`).set(user.auth).expect(200)).body.items as any[];

  it('fires a per-second schedule exactly once per tick with two workers, shows the next run, and stops when disabled', async () => {
    const suite = await createSuite(t, user, teamId, { name: 'every second', entries: [{ flowId }] });
    const bad = await t.http.put(`${API}/teams/${teamId}/suites/${suite.id}/schedule`).set(user.auth).send({ cron: '*/1 * * * * * *', timezone: 'Mars/Base' });
    expect(bad.status).toBe(400);
    const set = await t.http.put(`${API}/teams/${teamId}/suites/${suite.id}/schedule`).set(user.auth).send({ cron: '*/1 * * * * *', timezone: 'UTC' }).expect(200);
    expect(set.body).toMatchObject({ cron: '*/1 * * * * *', timezone: 'UTC', enabled: true });
    expect(new Date(set.body.nextRunAt).getTime() - Date.now()).toBeLessThanOrEqual(1000);
    const shown = await t.http.get(`${API}/teams/${teamId}/suites/${suite.id}`).set(user.auth).expect(200);
    expect(shown.body.schedule).toMatchObject({ cron: '*/1 * * * * *', enabled: true, nextRunAt: expect.any(String) });

    await until(async () => ((await runsOf(suite.id)).length >= 5 ? true : undefined));
    const off = await t.http.put(`${API}/teams/${teamId}/suites/${suite.id}/schedule`).set(user.auth).send({ cron: '*/1 * * * * *', enabled: false }).expect(200);
    expect(off.body).toMatchObject({ enabled: false, nextRunAt: null });
    await new Promise((r) => setTimeout(r, 1500)); // a tick queued before disabling may still start
    const runs = await runsOf(suite.id);
    const ticks = runs.map((r) => new Date(r.scheduledFor).getTime());
    expect(new Set(ticks).size).toBe(runs.length); // one run per tick
    for (const tick of ticks) expect(tick % 1000).toBe(0);
    // And BullMQ itself made one job per tick: as many processed jobs as runs, each run by one worker once
    // (the unique trigger key in suite_runs is only a second line of defence).
    const jobs = (await queue.getJobs(['completed', 'failed', 'active'])).filter((j) => j.name === 'scheduled-suite-run' && j.data.suiteId === suite.id);
    expect(jobs.length).toBe(runs.length);
    expect(new Set(jobs.map((j) => j.id)).size).toBe(jobs.length);
    expect(jobs.every((j) => j.attemptsMade <= 1 && !j.failedReason)).toBe(true);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await runsOf(suite.id)).length).toBe(runs.length); // disabled: no more ticks
    for (const run of runs) expect((await waitForSuiteRun(t, user, teamId, run.id)).status).toBe('COMPLETED');
  });

  it('counts right when 20 executions finish together on two worker processes', async () => {
    const suite = await createSuite(t, user, teamId, { name: 'twenty on two workers', maxParallel: 20, entries: Array.from({ length: 20 }, () => ({ flowId })) });
    const done = await waitForSuiteRun(t, user, teamId, (await runSuite(t, user, teamId, suite.id)).id);
    expect(done).toMatchObject({ status: 'COMPLETED', counts: { total: 20, passed: 20, failed: 0, cancelled: 0, pending: 0, running: 0 } });
  });

  it('keeps firing after every worker is replaced (the schedule lives in Redis, restored from Postgres if lost)', async () => {
    const suite = await createSuite(t, user, teamId, { name: 'survives restarts', entries: [{ flowId }] });
    await t.http.put(`${API}/teams/${teamId}/suites/${suite.id}/schedule`).set(user.auth).send({ cron: '*/1 * * * * *' }).expect(200);
    await until(async () => ((await runsOf(suite.id)).length >= 1 ? true : undefined));
    for (const w of workers.splice(0)) {
      w.kill('SIGKILL');
      await new Promise((resolve) => w.once('exit', resolve));
    }
    // Lose the scheduler too: a fresh worker restores it from the suite row.
    await queue.removeJobScheduler(`suite-${suite.id}`);
    const before = (await runsOf(suite.id)).length;
    workers.push(startWorker(t));
    await until(async () => ((await runsOf(suite.id)).length >= before + 2 ? true : undefined));
    await t.http.delete(`${API}/teams/${teamId}/suites/${suite.id}/schedule`).set(user.auth).expect(204);
    expect((await t.http.get(`${API}/teams/${teamId}/suites/${suite.id}/schedule`).set(user.auth)).status).toBe(404);
    expect(await queue.getJobScheduler(`suite-${suite.id}`)).toBeUndefined();
  });
});
