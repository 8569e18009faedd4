import type { Client } from 'pg';
import { connectDb } from '../drills/drill-support';
import { createFlow } from '../support/flow-helpers';
import { addMember, API, ownerWithTeam, registerUser, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';

interface StepRow {
  id: string;
  name: string;
  status: 'SUCCESS' | 'ERROR' | 'SKIPPED' | 'CANCELLED' | 'PENDING';
  attempts?: number;
  durationMs?: number;
}

interface RunRow {
  flowId: string;
  version: number;
  status: 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'PENDING';
  created: string;
  /** Wall time of the run (started → finished); none for cancelled or pending runs. */
  durationMs?: number;
  steps: StepRow[];
}

/**
 * Flakiness analytics (issue #20 item 2) over a history written straight into the tables, so every
 * figure is known: percentiles are Postgres' percentile_cont (linear interpolation), e.g. over
 * 1000, 2000, …, 12000 ms: p50 = 6500, p95 = 1000 + 0.95·11·1000 = 11450, p99 = 11890.
 */
describe('flow statistics and flakiest steps', () => {
  let t: TestApp;
  let db: Client;
  let owner: TestUser;
  let viewer: TestUser;
  let teamId: string;
  let flowA: string;
  let flowB: string;
  let otherTeam: { user: TestUser; teamId: string; flowId: string };

  const flow = (name: string) => ({ name, steps: [{ name: 'wait', type: 'delay', config: { delayMs: 1 } }] });
  const JANUARY = 'from=2026-01-01&to=2026-01-05';

  async function insertRun(team: string, run: RunRow): Promise<void> {
    const finished = run.status === 'COMPLETED' || run.status === 'FAILED';
    const [{ id }] = (
      await db.query(
        `INSERT INTO executions (team_id, flow_id, flow_version, flow_name, status, created_at, started_at, finished_at)
         VALUES ($1, $2, $3, 'as it was then', $4, $5::timestamptz, $6::timestamptz, $6::timestamptz + $7 * interval '1 ms') RETURNING id`,
        [team, run.flowId, run.version, run.status, run.created, run.status === 'PENDING' ? null : run.created, finished ? run.durationMs : null],
      )
    ).rows;
    for (const [index, step] of run.steps.entries()) {
      await db.query(
        `INSERT INTO execution_steps (execution_id, step_index, step_id, name, type, status, attempts, duration_ms)
         VALUES ($1, $2, $3, $4, 'delay', $5, $6, $7)`,
        [id, index, step.id, step.name, step.status, step.attempts ?? (step.status === 'SUCCESS' || step.status === 'ERROR' ? 1 : 0), step.durationMs ?? null],
      );
    }
  }

  const get = (user: TestUser, path: string) => t.http.get(`${API}/teams/${teamId}${path}`).set(user.auth);

  beforeAll(async () => {
    t = await startTestApp('stats');
    db = await connectDb(t);
    ({ user: owner, teamId } = await ownerWithTeam(t, 'stats'));
    viewer = await registerUser(t, 'stats-viewer');
    await addMember(t, owner, teamId, viewer, 'viewer');
    flowA = await createFlow(t, owner, teamId, flow('checkout'));
    flowB = await createFlow(t, owner, teamId, flow('payments'));
    const other = await ownerWithTeam(t, 'stats-other');
    otherTeam = { ...other, flowId: await createFlow(t, other.user, other.teamId, flow('elsewhere')) };

    // Flow A, version 1: ten runs of 1…10 s, 7 passed and 3 failed, over 1 and 2 January; one cancelled.
    // Step `event` passes at once three times, after retries four times (1–4 s), fails three times.
    const retried = [
      { attempts: 1, durationMs: 50 },
      { attempts: 1, durationMs: 50 },
      { attempts: 1, durationMs: 50 },
      { attempts: 2, durationMs: 1000 },
      { attempts: 2, durationMs: 2000 },
      { attempts: 3, durationMs: 3000 },
      { attempts: 3, durationMs: 4000 },
    ];
    for (let i = 1; i <= 10; i++) {
      const passed = i <= 7;
      await insertRun(teamId, {
        flowId: flowA,
        version: 1,
        status: passed ? 'COMPLETED' : 'FAILED',
        created: i <= 5 ? `2026-01-01T10:0${i}:00Z` : `2026-01-02T10:0${i - 5}:00Z`,
        durationMs: i * 1000,
        steps: [
          { id: 'sid-create', name: 'create', status: 'SUCCESS', durationMs: 100 },
          passed ? { id: 'sid-event', name: 'event', status: 'SUCCESS', ...retried[i - 1] } : { id: 'sid-event', name: 'event', status: 'ERROR', attempts: 3, durationMs: 9000 },
          { id: 'sid-verify', name: 'verify', status: passed ? 'SUCCESS' : 'SKIPPED', attempts: passed ? 1 : 0 },
        ],
      });
    }
    await insertRun(teamId, {
      flowId: flowA,
      version: 1,
      status: 'CANCELLED',
      created: '2026-01-02T11:00:00Z',
      steps: [
        { id: 'sid-create', name: 'create', status: 'SUCCESS' },
        { id: 'sid-event', name: 'event', status: 'CANCELLED' },
        { id: 'sid-verify', name: 'verify', status: 'CANCELLED' },
      ],
    });
    // Version 2 (step `event` renamed `orderEvent`, same id): two passes of 11 and 12 s on 3 January, one run still queued.
    for (const [durationMs, event] of [
      [11_000, { attempts: 2, durationMs: 5000 }],
      [12_000, { attempts: 1, durationMs: 50 }],
    ] as const) {
      await insertRun(teamId, {
        flowId: flowA,
        version: 2,
        status: 'COMPLETED',
        created: `2026-01-03T0${durationMs / 1000 - 10}:00:00Z`,
        durationMs,
        steps: [
          { id: 'sid-create', name: 'create', status: 'SUCCESS' },
          { id: 'sid-event', name: 'orderEvent', status: 'SUCCESS', ...event },
          { id: 'sid-verify', name: 'verify', status: 'SUCCESS' },
        ],
      });
    }
    await insertRun(teamId, {
      flowId: flowA,
      version: 2,
      status: 'PENDING',
      created: '2026-01-03T12:00:00Z',
      steps: [
        { id: 'sid-create', name: 'create', status: 'PENDING' },
        { id: 'sid-event', name: 'orderEvent', status: 'PENDING' },
        { id: 'sid-verify', name: 'verify', status: 'PENDING' },
      ],
    });

    // Flow B: version 1's `gate` always failed (5 runs); on version 2 it passes and `pay` passes 3 times, fails 3 times.
    for (let i = 0; i < 5; i++) {
      await insertRun(teamId, {
        flowId: flowB,
        version: 1,
        status: 'FAILED',
        created: `2026-01-01T12:0${i}:00Z`,
        durationMs: 500,
        steps: [
          { id: 'sid-gate', name: 'gate', status: 'ERROR' },
          { id: 'sid-pay', name: 'pay', status: 'SKIPPED' },
        ],
      });
    }
    for (let i = 0; i < 6; i++) {
      await insertRun(teamId, {
        flowId: flowB,
        version: 2,
        status: i < 3 ? 'COMPLETED' : 'FAILED',
        created: `2026-01-02T12:0${i}:00Z`,
        durationMs: 500,
        steps: [
          { id: 'sid-gate', name: 'gate', status: 'SUCCESS' },
          { id: 'sid-pay', name: 'pay', status: i < 3 ? 'SUCCESS' : 'ERROR' },
        ],
      });
    }

    // Another team's equally flaky step must never show up in this team's list.
    for (let i = 0; i < 6; i++) {
      await insertRun(otherTeam.teamId, {
        flowId: otherTeam.flowId,
        version: 1,
        status: i % 2 ? 'COMPLETED' : 'FAILED',
        created: `2026-01-02T13:0${i}:00Z`,
        durationMs: 100,
        steps: [{ id: 'sid-foreign', name: 'foreign', status: i % 2 ? 'SUCCESS' : 'ERROR' }],
      });
    }
  });

  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  it('answers a flow’s pass rate, duration percentiles, flaky versions and per-step figures', async () => {
    const { body } = await get(owner, `/flows/${flowA}/stats?${JANUARY}`).expect(200);
    expect(body).toMatchObject({
      flowId: flowA,
      flowName: 'checkout',
      from: '2026-01-01T00:00:00.000Z',
      to: '2026-01-05T00:00:00.000Z',
      runs: 14,
      passed: 9,
      failed: 3,
      cancelled: 1,
      unfinished: 1,
      passRate: 0.75,
      durationMs: { p50: 6500, p95: 11450, p99: 11890 },
      flaky: true,
      flakyVersions: [1],
    });
    expect(body.steps).toEqual([
      {
        stepId: 'sid-create',
        name: 'create',
        stepIndex: 0,
        runs: 13, // twelve finished runs and the cancelled one, where it had passed before the cancel
        passed: 13,
        failed: 0,
        failureRate: 0,
        meanAttempts: 1,
        maxAttempts: 1,
        passedAfterRetries: 0,
        timeToConsistencyMs: { p50: null, p95: null },
        flaky: false,
      },
      {
        stepId: 'sid-event',
        name: 'orderEvent', // its name in the newest run
        stepIndex: 1,
        runs: 12,
        passed: 9,
        failed: 3,
        failureRate: 0.25,
        meanAttempts: 2.08, // (1+1+1+2+2+3+3 + 2+1 + 3·3) / 12
        maxAttempts: 3,
        passedAfterRetries: 5,
        // over 1000, 2000, 3000, 4000, 5000 ms: p50 = 3000, p95 = 1000 + 0.95·4·1000
        timeToConsistencyMs: { p50: 3000, p95: 4800 },
        flaky: true,
      },
      {
        stepId: 'sid-verify',
        name: 'verify',
        stepIndex: 2,
        runs: 9, // skipped after the failures, cancelled once, pending once: none of those counts
        passed: 9,
        failed: 0,
        failureRate: 0,
        meanAttempts: 1,
        maxAttempts: 1,
        passedAfterRetries: 0,
        timeToConsistencyMs: { p50: null, p95: null },
        flaky: false,
      },
    ]);
  });

  it('gives one point per UTC day, idle days with zeros', async () => {
    const { body } = await get(owner, `/flows/${flowA}/stats?${JANUARY}`).expect(200);
    expect(body.daily).toEqual([
      { date: '2026-01-01', runs: 5, passed: 5, failed: 0, passRate: 1, p95DurationMs: 4800 },
      { date: '2026-01-02', runs: 6, passed: 2, failed: 3, passRate: 0.4, p95DurationMs: 9800 },
      { date: '2026-01-03', runs: 3, passed: 2, failed: 0, passRate: 1, p95DurationMs: 11950 },
      { date: '2026-01-04', runs: 0, passed: 0, failed: 0, passRate: null, p95DurationMs: null },
    ]);
  });

  it('reads only the window: one day of it, and by default the last 30 days', async () => {
    const day = (await get(owner, `/flows/${flowA}/stats?from=2026-01-03&to=2026-01-03T06:00:00Z`).expect(200)).body;
    expect(day).toMatchObject({ runs: 2, passed: 2, failed: 0, passRate: 1, flaky: false, flakyVersions: [], durationMs: { p50: 11500 } });
    expect(day.daily).toEqual([{ date: '2026-01-03', runs: 2, passed: 2, failed: 0, passRate: 1, p95DurationMs: 11950 }]);

    const recent = (await get(owner, `/flows/${flowA}/stats`).expect(200)).body;
    expect(recent).toMatchObject({ runs: 0, passRate: null, durationMs: { p50: null, p95: null, p99: null }, steps: [], flaky: false });
    expect(recent.daily).toHaveLength(31);
    expect(Date.parse(recent.to) - Date.parse(recent.from)).toBe(30 * 86_400_000);
  });

  it('lists the team’s flakiest steps: flaky ones first, by flakiness, with enough runs and a failure', async () => {
    const { body } = await get(owner, `/stats/steps?${JANUARY}`).expect(200);
    expect(body).toMatchObject({ from: '2026-01-01T00:00:00.000Z', to: '2026-01-05T00:00:00.000Z', minRuns: 5 });
    expect(body.items.map((s: { flowName: string; name: string }) => `${s.flowName}/${s.name}`)).toEqual([
      'as it was then/pay', // flaky, fails half the time
      'as it was then/orderEvent', // flaky, 3 of 12
      'as it was then/gate', // fails 5 of 11, but only on version 1: broken then, not flaky
    ]);
    expect(body.items[0]).toEqual({
      flowId: flowB,
      flowName: 'as it was then',
      stepId: 'sid-pay',
      name: 'pay',
      stepIndex: 1,
      runs: 6,
      passed: 3,
      failed: 3,
      failureRate: 0.5,
      flakiness: 1,
      meanAttempts: 1,
      maxAttempts: 1,
      passedAfterRetries: 0,
      timeToConsistencyMs: { p50: null, p95: null },
      flaky: true,
    });
    expect(body.items[1]).toMatchObject({ flowId: flowA, stepId: 'sid-event', runs: 12, failureRate: 0.25, flakiness: 0.5, meanAttempts: 2.08, timeToConsistencyMs: { p50: 3000, p95: 4800 }, flaky: true });
    expect(body.items[2]).toMatchObject({ flowId: flowB, stepId: 'sid-gate', runs: 11, failed: 5, failureRate: 0.4545, flakiness: 0.9091, flaky: false });

    const top = (await get(owner, `/stats/steps?${JANUARY}&limit=2`).expect(200)).body;
    expect(top.items.map((s: { stepId: string }) => s.stepId)).toEqual(['sid-pay', 'sid-event']);
    const busy = (await get(owner, `/stats/steps?${JANUARY}&minRuns=7`).expect(200)).body;
    expect(busy.items.map((s: { stepId: string }) => s.stepId)).toEqual(['sid-event', 'sid-gate']);
  });

  it("does not count a re-run's reused step rows a second time", async () => {
    // February: one original run whose step failed, and its re-run from the next step, which copied
    // that failed row (reused) and ran a second step that passed.
    const insert = async (status: string, rows: Array<{ index: number; id: string; status: string; reused: boolean }>) => {
      const [{ id }] = (
        await db.query(
          `INSERT INTO executions (team_id, flow_id, flow_version, flow_name, status, created_at, started_at, finished_at)
           VALUES ($1, $2, 1, 'payments', $3, '2026-02-10T10:00:00Z', '2026-02-10T10:00:00Z', '2026-02-10T10:00:01Z') RETURNING id`,
          [teamId, flowB, status],
        )
      ).rows;
      for (const row of rows) {
        await db.query(
          `INSERT INTO execution_steps (execution_id, step_index, step_id, name, type, status, attempts, duration_ms, reused)
           VALUES ($1, $2, $3, $3, 'delay', $4, 1, 10, $5)`,
          [id, row.index, row.id, row.status, row.reused],
        );
      }
    };
    await insert('FAILED', [{ index: 0, id: 'prepare', status: 'ERROR', reused: false }]);
    await insert('COMPLETED', [
      { index: 0, id: 'prepare', status: 'ERROR', reused: true },
      { index: 1, id: 'verify', status: 'SUCCESS', reused: false },
    ]);
    const { body } = await get(owner, `/flows/${flowB}/stats?from=2026-02-01&to=2026-03-01`).expect(200);
    const prepare = body.steps.find((step: { stepId: string }) => step.stepId === 'prepare');
    expect(prepare).toMatchObject({ runs: 1, failed: 1, passed: 0 });
    expect(body.steps.find((step: { stepId: string }) => step.stepId === 'verify')).toMatchObject({ runs: 1, passed: 1 });
  });

  it('lets a viewer read both, keeps other teams out and names the bad field', async () => {
    await get(viewer, `/flows/${flowA}/stats?${JANUARY}`).expect(200);
    expect((await get(viewer, `/stats/steps?${JANUARY}`).expect(200)).body.items).toHaveLength(3);

    // Another team's flow is not found here; the other team sees only its own step.
    await get(owner, `/flows/${otherTeam.flowId}/stats`).expect(404);
    await t.http.get(`${API}/teams/${otherTeam.teamId}/flows/${flowA}/stats`).set(otherTeam.user.auth).expect(404);
    await t.http.get(`${API}/teams/${otherTeam.teamId}/stats/steps`).set(owner.auth).expect(404);
    const theirs = (await t.http.get(`${API}/teams/${otherTeam.teamId}/stats/steps?${JANUARY}`).set(otherTeam.user.auth).expect(200)).body;
    expect(theirs.items.map((s: { stepId: string }) => s.stepId)).toEqual(['sid-foreign']);

    const field = async (path: string) => (await get(owner, path).expect(400)).body.details.problems.map((p: { field: string }) => p.field);
    expect(await field(`/flows/${flowA}/stats?from=yesterday`)).toEqual(['from']);
    expect(await field(`/flows/${flowA}/stats?from=2026-01-05&to=2026-01-01`)).toEqual(['to']);
    expect(await field(`/stats/steps?from=2025-01-01&to=2026-01-05`)).toEqual(['from']);
    expect(await field(`/stats/steps?limit=101`)).toEqual(['limit']);
    expect(await field(`/stats/steps?minRuns=0`)).toEqual(['minRuns']);
  });
});
