import type { Client } from 'pg';
import type { ServiceProcess } from '../../bench/lib/processes';
import { connectDb, startWorkerFor, waitUntil } from '../drills/drill-support';
import { createFlow, noRetry, runFlow, waitForExecution } from '../support/flow-helpers';
import { createTeam, ownerWithTeam, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';
import { peakConcurrency, runTimes, setTeamLimit } from './fair-share-support';

/**
 * Issue #15 under a crash: the worker process holding team A's running executions is SIGKILLed while
 * more of A's runs wait for a slot. A new worker resumes A's runs (stalled jobs), the waiting ones
 * start after those finish — never more than A's limit at once — and B's short run
 * is not delayed by any of it. Needs `npx nest build` (workers run dist/src/main.js).
 */
describe('fair share: per-team concurrency across a worker SIGKILL', () => {
  let t: TestApp;
  let db: Client;
  let owner: TestUser;
  let teamA: string;
  let teamB: string;
  const workers: ServiceProcess[] = [];
  // Three slots per worker; the team limit (2) is the team's own, set through the API. A short job lock
  // hands the dead worker's jobs over quickly.
  const env = { WORKER_CONCURRENCY: '3', JOB_LOCK_MS: '2000', EXECUTION_RECONCILE_INTERVAL_MS: '1000' };

  beforeAll(async () => {
    t = await startTestApp('fair_share_kill', { env: { APP_MODE: 'api' } });
    db = await connectDb(t);
    const a = await ownerWithTeam(t, 'fairkill');
    owner = a.user;
    teamA = a.teamId;
    teamB = await createTeam(t, owner, a.orgId, 'team B');
    await setTeamLimit(t, owner, teamA, 2);
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL').catch(() => undefined)));
    await db?.end();
    await t?.close();
  });

  it("resumes A's runs on a new worker, then starts A's waiting runs after them; B is not delayed", async () => {
    const longFlow = await createFlow(t, owner, teamA, { name: 'long', steps: [noRetry({ name: 'wait', type: 'delay', config: { delayMs: 6000 } })] });
    const shortFlow = await createFlow(t, owner, teamB, { name: 'short', steps: [noRetry({ name: 'tick', type: 'delay', config: { delayMs: 1 } })] });
    workers.push(await startWorkerFor(t, env));
    const a: string[] = [];
    for (let i = 0; i < 4; i++) a.push((await runFlow(t, owner, teamA, longFlow)).id);
    // Which two run first is the order their claims landed in: the worker takes three jobs at once and a
    // run's claim may overtake the one submitted just before it (waiting runs, once waiting, keep their order).
    let running: string[] = [];
    let waiting: string[] = [];
    await waitUntil('A to have 2 running and 2 waiting', async () => {
      const { rows } = await db.query(
        `SELECT id, status = 'IN_PROGRESS' AS running, status = 'PENDING' AND waiting_reason LIKE 'waiting: team at its concurrency limit 2/2%' AS waiting
           FROM executions WHERE id = ANY($1::uuid[])`,
        [a],
      );
      running = rows.filter((r) => r.running).map((r) => r.id);
      waiting = rows.filter((r) => r.waiting).map((r) => r.id);
      return running.length === 2 && waiting.length === 2;
    }, 15_000, 50);

    await workers[0].stop('SIGKILL');
    workers.push(await startWorkerFor(t, env));

    // B runs at once on the new worker: A's waiting runs hold no slot, A's resumed runs hold two of three.
    const submitted = Date.now();
    const b = await runFlow(t, owner, teamB, shortFlow);
    expect((await waitForExecution(t, owner, teamB, b.id, 5000)).status).toBe('COMPLETED');
    // The 1 s is asserted in team-concurrency.e2e-spec.ts; here B's run is the first one of a
    // just-started worker process (cold start), so the bound is half of A's run length instead — a B
    // delayed by A's queue would wait at least that whole run.
    expect(Date.now() - submitted).toBeLessThan(3000);

    for (const id of a) expect((await waitForExecution(t, owner, teamA, id, 30_000)).status).toBe('COMPLETED');
    const times = await runTimes(db, a);
    expect(peakConcurrency(times)).toBe(2);
    const started = new Map(a.map((id, i) => [id, times[i].started!]));
    // The waiting runs start only after the resumed ones; the two resumed runs free their slots in the
    // same moment, so both waiting runs are promoted together and their claims may land a few ms apart in
    // either order (each counts the older waiting run as ahead of it, so neither takes a slot it has not got).
    expect(Math.min(...waiting.map((id) => started.get(id)!))).toBeGreaterThan(Math.max(...running.map((id) => started.get(id)!)));
    const { rows } = await db.query(`SELECT id, jsonb_array_length(recoveries) AS recoveries FROM executions WHERE id = ANY($1::uuid[])`, [a]);
    const recoveries = new Map(rows.map((r) => [r.id, r.recoveries]));
    // The two that were running when the worker died were resumed; the two that waited ran once.
    expect([...running, ...waiting].map((id) => recoveries.get(id))).toEqual([1, 1, 0, 0]);
  }, 60_000);
});
