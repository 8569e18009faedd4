import type { Client } from 'pg';
import { ExecutionsService } from '../../src/executions/executions.service';
import { RetentionService } from '../../src/retention/retention.service';
import { connectDb, waitUntil } from '../drills/drill-support';
import { createFlow, noRetry, runFlow, waitForExecution } from '../support/flow-helpers';
import { json, startHttpTarget } from '../support/http-target';
import { addMember, API, createTeam, ownerWithTeam, registerUser, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';
import { createSuite, runSuite, waitForSuiteRun } from '../suites/suite-helpers';

/**
 * Retention (issue #15): one pass deletes finished executions (with steps), finished suite runs (with
 * items and webhook deliveries) and webhook deliveries older than the team's retention, in batches;
 * running and pending executions survive, and a team's override (set by an org owner) is respected.
 * Rows are made through the API and then backdated with SQL.
 */
describe('retention pass', () => {
  let t: TestApp;
  let db: Client;
  let receiver: Awaited<ReturnType<typeof startHttpTarget>>;

  beforeAll(async () => {
    // Batches of 2 so the pass has to loop; no pause to keep the test short.
    t = await startTestApp('retention', { env: { RETENTION_BATCH_SIZE: '2', RETENTION_BATCH_PAUSE_MS: '0', EXECUTION_RETENTION_DAYS: '30' } });
    db = await connectDb(t);
    receiver = await startHttpTarget({ 'POST /hook': (_req, _body, res) => json(res, 200, { ok: true }) });
  });
  afterAll(async () => {
    await receiver?.close();
    await db?.end();
    await t?.close();
  });

  const backdate = async (table: string, ids: string[], days: number) => {
    await db.query(`UPDATE ${table} SET created_at = now() - make_interval(days => $2) WHERE id = ANY($1::uuid[])`, [ids, days]);
  };
  const existing = async (table: string, ids: string[]): Promise<string[]> =>
    (await db.query(`SELECT id FROM ${table} WHERE id = ANY($1::uuid[]) ORDER BY id`, [ids])).rows.map((r: { id: string }) => r.id).sort();

  /** In one team: `count` finished executions, one suite run with a delivered webhook, one execution left PENDING. */
  async function teamData(user: TestUser, teamId: string, label: string) {
    const flowId = await createFlow(t, user, teamId, { name: `${label} flow`, steps: [noRetry({ name: 'wait', type: 'delay', config: { delayMs: 1 } }), noRetry({ name: 'again', type: 'delay', config: { delayMs: 1 } })] });
    const runs: string[] = [];
    for (let i = 0; i < 5; i++) runs.push((await runFlow(t, user, teamId, flowId)).id);
    for (const id of runs) await waitForExecution(t, user, teamId, id);
    const pending = (await runFlow(t, user, teamId, flowId, { parameters: { initialDelay: 3_600_000 } })).id;
    const suite = await createSuite(t, user, teamId, { name: `${label} suite`, entries: [{ flowId }] });
    await t.http.post(`${API}/teams/${teamId}/suites/${suite.id}/webhooks`).set(user.auth).send({ name: 'receiver', url: `${receiver.url}/hook`, secret: 'a-secret-of-enough-length' }).expect(201);
    const suiteRun = await waitForSuiteRun(t, user, teamId, (await runSuite(t, user, teamId, suite.id)).id);
    const deliveries = await waitUntil(`${label} webhook delivery`, async () => {
      const { rows } = await db.query('SELECT id FROM webhook_deliveries WHERE suite_run_id = $1', [suiteRun.id]);
      return rows.length ? rows.map((r: { id: string }) => r.id) : undefined;
    }, 15_000);
    const suiteExecutions = (await db.query('SELECT execution_id FROM suite_run_items WHERE suite_run_id = $1', [suiteRun.id])).rows.map((r: { execution_id: string }) => r.execution_id);
    return { runs, pending, suiteRunId: suiteRun.id as string, deliveries: deliveries as string[], suiteExecutions };
  }

  it('deletes what is past each team’s retention, keeps the rest, never deletes unfinished runs', async () => {
    const { user, orgId, teamId: teamA } = await ownerWithTeam(t, 'retention');
    const teamB = await createTeam(t, user, orgId, 'short retention');

    // The override is an org owner/admin's decision: a team admin may not set it; bad values name the field.
    const teamAdmin = await registerUser(t, 'team-admin');
    await addMember(t, user, teamB, teamAdmin, 'admin');
    await t.http.patch(`${API}/teams/${teamB}`).set(teamAdmin.auth).send({ executionRetentionDays: 365 }).expect(403);
    const bad = await t.http.patch(`${API}/teams/${teamB}`).set(user.auth).send({ executionRetentionDays: 0 }).expect(400);
    expect(JSON.stringify(bad.body.details)).toContain('executionRetentionDays');
    const set = await t.http.patch(`${API}/teams/${teamB}`).set(user.auth).send({ executionRetentionDays: 7 }).expect(200);
    expect(set.body).toMatchObject({ id: teamB, executionRetentionDays: 7 });
    await t.http.patch(`${API}/teams/${teamB}`).set(teamAdmin.auth).send({ name: 'short retention' }).expect(200); // renaming stays a team admin's right

    const a = await teamData(user, teamA, 'A');
    const b = await teamData(user, teamB, 'B');

    // Per team: runs[0..2] 40 days old, runs[3] 10 days old, runs[4] new; the pending run 40 days old;
    // the suite run, its executions and its deliveries 40 days old in team A, 10 days old in team B.
    for (const d of [a, b]) {
      await backdate('executions', [...d.runs.slice(0, 3), d.pending], 40);
      await backdate('executions', [d.runs[3]], 10);
    }
    await backdate('suite_runs', [a.suiteRunId], 40);
    await backdate('executions', a.suiteExecutions, 40);
    await backdate('webhook_deliveries', a.deliveries, 40);
    await backdate('suite_runs', [b.suiteRunId], 10);
    await backdate('executions', b.suiteExecutions, 10);
    await backdate('webhook_deliveries', b.deliveries, 10);
    // A running execution, however old, is kept.
    await db.query(`UPDATE executions SET status = 'IN_PROGRESS' WHERE id = $1`, [a.runs[2]]);
    const stepsBefore = (await db.query('SELECT count(*)::int AS n FROM execution_steps WHERE execution_id = ANY($1::uuid[])', [[...a.runs, ...b.runs]])).rows[0].n;
    expect(stepsBefore).toBe(20);

    const pass = await t.app.get(RetentionService).runPass();

    // Team A (30 days): the three old ones go except the running one; 10 days old and new stay.
    expect(await existing('executions', [...a.runs, a.pending])).toEqual([a.runs[2], a.runs[3], a.runs[4], a.pending].sort());
    // Team B (7 days): the 10-day-old run goes too.
    expect(await existing('executions', [...b.runs, b.pending])).toEqual([b.runs[4], b.pending].sort());
    // Suite runs with their items and deliveries: A's (40 days) and B's (10 days, past 7) are gone, with their executions.
    expect(await existing('suite_runs', [a.suiteRunId, b.suiteRunId])).toEqual([]);
    expect((await db.query('SELECT count(*)::int AS n FROM suite_run_items WHERE suite_run_id = ANY($1::uuid[])', [[a.suiteRunId, b.suiteRunId]])).rows[0].n).toBe(0);
    expect(await existing('webhook_deliveries', [...a.deliveries, ...b.deliveries])).toEqual([]);
    expect(await existing('executions', [...a.suiteExecutions, ...b.suiteExecutions])).toEqual([]);
    // Steps went with their executions and only with them.
    const { rows: stepRows } = await db.query('SELECT DISTINCT execution_id FROM execution_steps WHERE execution_id = ANY($1::uuid[]) ORDER BY 1', [[...a.runs, ...b.runs]]);
    expect(stepRows.map((r: { execution_id: string }) => r.execution_id).sort()).toEqual([a.runs[2], a.runs[3], a.runs[4], b.runs[4]].sort());

    expect(pass).toMatchObject({
      executions: 2 + 4 + a.suiteExecutions.length + b.suiteExecutions.length,
      executionSteps: 2 * (2 + 4 + a.suiteExecutions.length + b.suiteExecutions.length),
      suiteRuns: 2,
      suiteRunItems: a.suiteExecutions.length + b.suiteExecutions.length,
      webhookDeliveries: a.deliveries.length + b.deliveries.length,
    });

    // A second pass finds nothing more; the kept runs still read through the API.
    expect(await t.app.get(RetentionService).runPass()).toMatchObject({ executions: 0, suiteRuns: 0, webhookDeliveries: 0 });
    await t.http.get(`${API}/teams/${teamA}/executions/${a.runs[3]}`).set(user.auth).expect(200);
    await t.http.get(`${API}/teams/${teamA}/executions/${a.runs[0]}`).set(user.auth).expect(404);
  }, 90_000);

  it('adds up the bytes a team stores; one stored step reads through its own endpoint', async () => {
    const { user, teamId } = await ownerWithTeam(t, 'bytes');
    const target = await startHttpTarget({ 'GET /data': (_req, _body, res) => json(res, 200, { text: 'x'.repeat(5000) }) });
    try {
      const flowId = await createFlow(t, user, teamId, { name: 'bytes', steps: [noRetry({ name: 'get', type: 'http', config: { url: `${target.url}/data` } })] });
      const run = await waitForExecution(t, user, teamId, (await runFlow(t, user, teamId, flowId)).id);
      expect(run.status).toBe('COMPLETED');
      expect(run.storedBytes).toBeGreaterThan(5000);
      expect(await t.app.get(ExecutionsService).storedBytes(teamId)).toBe(run.storedBytes);

      // The step endpoint and ?steps are validated and documented.
      const bad = await t.http.get(`${API}/teams/${teamId}/executions/${run.id}?steps=all`).set(user.auth).expect(400);
      expect(JSON.stringify(bad.body.details)).toContain('steps');
      await t.http.get(`${API}/teams/${teamId}/executions/${run.id}/steps/no-such-step`).set(user.auth).expect(404);
      const step = await t.http.get(`${API}/teams/${teamId}/executions/${run.id}/steps/${run.steps[0].stepId}`).set(user.auth).expect(200);
      expect(step.body).toMatchObject({ name: 'get', status: 'SUCCESS', response: { status: 200, body: { text: 'x'.repeat(5000) } } });
      const doc = (await t.http.get('/docs-json').expect(200)).body;
      expect(doc.paths['/api/v1/teams/{teamId}/executions/{executionId}/steps/{stepId}']).toBeDefined();
      expect(doc.paths['/api/v1/teams/{teamId}/executions/{executionId}'].get.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'steps', in: 'query' })]));
      expect(doc.components.schemas.ExecutionStepDto.properties.response.example).toMatchObject({ truncated: true, originalBytes: expect.any(Number) });
      expect(doc.components.schemas.ExecutionSummaryDto.properties.steps.items.$ref).toContain('ExecutionStepSummaryDto');
    } finally {
      await target.close();
    }
  }, 30_000);
});
