import type { Client } from 'pg';
import type { ServiceProcess } from '../../bench/lib/processes';
import { peakConcurrency, runTimes, setTeamLimit } from '../fair-share/fair-share-support';
import { createFlow, noRetry, runFlow } from '../support/flow-helpers';
import { API, createTeam, ownerWithTeam, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';
import { connectDb, startWorkerFor, TERMINAL, waitUntil } from './drill-support';

/**
 * Drill (issue #15): team A floods one worker process with more long runs than its limit while team B
 * submits short runs. A's runs over its limit wait without a worker slot, so B's runs are not queued
 * behind them (before issue #15, 10 runs of a 20 s delay from A delayed B's 1 ms flow by 19.6 s).
 * Prints B's submit→complete latencies and A's start order. Needs `npx nest build` (the worker runs dist/).
 */
const A_RUNS = 10;
const A_LIMIT = 2;
const A_DELAY_MS = 3000;
const B_RUNS = 10;
const B_EVERY_MS = 700;
/** Generous: B's 1 ms run waits for no A run, so its latency is queue pick-up and a few statements. */
const B_MAX_LATENCY_MS = 2000;

describe('drill: one team flooding its limit does not starve another', () => {
  let t: TestApp;
  let db: Client;
  let worker: ServiceProcess | undefined;
  let owner: TestUser;
  let teamA: string;
  let teamB: string;

  beforeAll(async () => {
    t = await startTestApp('drill_starvation', { env: { APP_MODE: 'api' } });
    db = await connectDb(t);
    // Fewer worker slots than A's runs: were A's waiting runs holding slots, B would queue behind them.
    worker = await startWorkerFor(t, { WORKER_CONCURRENCY: '4' });
    const a = await ownerWithTeam(t, 'starvation');
    owner = a.user;
    teamA = a.teamId;
    teamB = await createTeam(t, owner, a.orgId, 'team B');
    await setTeamLimit(t, owner, teamA, A_LIMIT);
  });
  afterAll(async () => {
    await worker?.stop('SIGKILL');
    await db?.end();
    await t?.close();
  });

  it(`runs B's short runs within ${B_MAX_LATENCY_MS} ms while A's ${A_RUNS} long runs queue at its limit of ${A_LIMIT}, and starts A's in submission order`, async () => {
    const longFlow = await createFlow(t, owner, teamA, { name: 'long', steps: [noRetry({ name: 'wait', type: 'delay', config: { delayMs: A_DELAY_MS } })] });
    const shortFlow = await createFlow(t, owner, teamB, { name: 'short', steps: [noRetry({ name: 'tick', type: 'delay', config: { delayMs: 1 } })] });

    const a: string[] = [];
    for (let i = 0; i < A_RUNS; i++) a.push((await runFlow(t, owner, teamA, longFlow)).id); // one by one: submission order is defined
    await waitUntil(`A to have ${A_LIMIT} running`, async () => (await t.http.get(`${API}/teams/${teamA}/usage`).set(owner.auth)).body.running === A_LIMIT, 10_000, 25);

    const latencies: number[] = [];
    for (let i = 0; i < B_RUNS; i++) {
      const submitted = Date.now();
      const { id } = await runFlow(t, owner, teamB, shortFlow);
      const status = await waitUntil('B run to finish', async () => {
        const s = (await db.query('SELECT status FROM executions WHERE id = $1', [id])).rows[0]?.status;
        return TERMINAL.includes(s) && s;
      }, 30_000, 10);
      latencies.push(Date.now() - submitted);
      expect(status).toBe('COMPLETED');
      await new Promise((r) => setTimeout(r, Math.max(0, B_EVERY_MS - latencies[i])));
    }
    const aPendingAtBEnd = (await db.query(`SELECT count(*)::int AS n FROM executions WHERE id = ANY($1::uuid[]) AND status = 'PENDING'`, [a])).rows[0].n;

    await waitUntil("A's runs to finish", async () => (await runTimes(db, a)).every((r) => TERMINAL.includes(r.status)), (A_RUNS / A_LIMIT + 2) * A_DELAY_MS * 2, 100);
    const times = await runTimes(db, a);
    const startOrder = times.map((r, i) => ({ i, started: r.started! })).sort((x, y) => x.started - y.started).map((r) => r.i);
    const sorted = [...latencies].sort((x, y) => x - y);
    const p50 = sorted[Math.floor((sorted.length - 1) / 2)];
    const max = sorted[sorted.length - 1];
    const span = Math.max(...times.map((r) => r.finished!)) - Math.min(...times.map((r) => r.started!));
    console.log(
      `starvation: team B ${B_RUNS} runs submit→complete p50 ${p50} ms, max ${max} ms (all ${latencies.join(', ')} ms) while team A had ${aPendingAtBEnd} of ${A_RUNS} runs of ${A_DELAY_MS} ms still waiting at its limit ${A_LIMIT}; ` +
        `A start order ${startOrder.join(' ')}, peak ${peakConcurrency(times)} at once, first start → last finish ${span} ms`,
    );

    expect(times.map((r) => r.status)).toEqual(Array(A_RUNS).fill('COMPLETED'));
    expect(aPendingAtBEnd).toBeGreaterThan(0); // B's runs were measured while A was over its limit
    expect(max).toBeLessThan(B_MAX_LATENCY_MS);
    expect(peakConcurrency(times)).toBe(A_LIMIT);
    // In submission order as slots free: runs promoted in the same moment (the runs of one wave, A_LIMIT
    // of them) may land a few ms apart in either order, but no run overtakes one submitted a wave earlier.
    for (let i = 0; i < A_RUNS; i++) {
      for (let j = i + A_LIMIT; j < A_RUNS; j++) expect(times[j].started!).toBeGreaterThanOrEqual(times[i].started!);
    }
  }, 120_000);
});
