import { json, startHttpTarget } from '../support/http-target';
import { createFlow, noRetry, runFlow, waitForExecution } from '../support/flow-helpers';
import { API, ownerWithTeam, teamWithViewerAndOutsider, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';
import { createSuite, runSuite, waitForSuiteRun } from '../suites/suite-helpers';

/**
 * Re-runs (issue #20 item 3): a whole re-run repeats every request; `?fromStep=` reuses the stored
 * results of the steps before it, so the target sees no repeat of them and later references read them.
 */
describe('re-run an execution, from a step, and a suite run', () => {
  let t: TestApp;
  let owner: TestUser;
  let viewer: TestUser;
  let teamId: string;
  let other: { user: TestUser; teamId: string };
  let target: Awaited<ReturnType<typeof startHttpTarget>>;
  let created = 0;
  let checks = 0;

  beforeAll(async () => {
    // Low result cap: a 10 KB body is stored truncated.
    t = await startTestApp('rerun', { env: { STEP_RESULT_MAX_BYTES: '4096' } });
    ({ owner, teamId, viewer, other } = await teamWithViewerAndOutsider(t, 'rerun'));
    target = await startHttpTarget({
      'POST /items': (_req, body, res) => json(res, 201, { id: `item-${++created}`, sent: JSON.parse(body) }),
      'GET /items/*': (req, _b, res) => json(res, 200, { id: req.url!.split('/').pop(), state: 'stored' }),
      // Fails the first time it is asked, passes afterwards: eventual consistency caught by a re-run.
      'GET /check/*': (_req, _b, res) => (++checks === 1 ? json(res, 503, { ready: false }) : json(res, 200, { ready: true })),
      'GET /big': (_req, _b, res) => json(res, 200, { blob: 'x'.repeat(10_000) }),
      'GET /boom': (_req, _b, res) => json(res, 500, { error: 'boom' }),
    });
  });
  afterAll(async () => {
    await t?.close();
    await target?.close();
  });

  const rerun = (id: string, query = '', user = owner, team = teamId) => t.http.post(`${API}/teams/${team}/executions/${id}/rerun${query}`).set(user.auth);

  describe('a 3-step flow that failed at its last step', () => {
    let flowId: string;
    let original: any;

    beforeAll(async () => {
      flowId = await createFlow(t, owner, teamId, {
        name: 'create-read-check',
        // Evaluated once per run: a re-run must carry the original's value, not a fresh one.
        variables: [{ name: 'tag', type: 'string', default: '${uuid()}' }],
        steps: [
          noRetry({ name: 'create', type: 'http', config: { url: `${target.url}/items`, method: 'POST', body: { tag: '${tag}' } }, assertions: [{ path: 'status', operator: 'equals', expected: 201 }] }),
          noRetry({ name: 'read', type: 'http', config: { url: `${target.url}/items/\${create.response.body.id}` }, assertions: [{ path: 'status', operator: 'equals', expected: 200 }] }),
          noRetry({ name: 'check', type: 'http', config: { url: `${target.url}/check/\${create.response.body.id}` }, assertions: [{ path: 'status', operator: 'equals', expected: 200 }] }),
        ],
      });
      original = await waitForExecution(t, owner, teamId, (await runFlow(t, owner, teamId, flowId, { parameters: { timeoutMs: 60_000 } })).id);
    });

    it('the original failed at "check" after creating item-1 once', () => {
      expect(original.status).toBe('FAILED');
      expect(original.steps.map((s: any) => s.status)).toEqual(['SUCCESS', 'SUCCESS', 'ERROR']);
      expect(original.rerunOf).toBeNull();
      expect(target.hits).toMatchObject({ 'POST /items': 1, 'GET /items/item-1': 1, 'GET /check/item-1': 1 });
    });

    it('?fromStep=check resumes there: the earlier steps are reused, not sent again, and references read them', async () => {
      const res = await rerun(original.id, '?fromStep=check').expect(201);
      expect(res.body).toMatchObject({ rerunOf: original.id, flowId, flowVersion: 1, trigger: 'api', status: 'PENDING', variables: original.variables, parameters: { timeoutMs: 60_000 } });
      expect(res.body.id).not.toBe(original.id);
      expect(res.body.correlationId).toBe(original.correlationId);
      expect(res.body.steps.map((s: any) => [s.name, s.status, s.reused])).toEqual([
        ['create', 'SUCCESS', true],
        ['read', 'SUCCESS', true],
        ['check', 'PENDING', false],
      ]);
      expect(res.body.steps[0].response).toEqual(original.steps[0].response);

      const done = await waitForExecution(t, owner, teamId, res.body.id);
      expect(done.status).toBe('COMPLETED');
      expect(done.steps.map((s: any) => [s.status, s.reused])).toEqual([['SUCCESS', true], ['SUCCESS', true], ['SUCCESS', false]]);
      expect(done.steps[2].request.url).toBe(`${target.url}/check/item-1`); // ${create.response.body.id} from the reused result
      expect(done.storedBytes).toBeGreaterThan(0);
      expect(target.hits).toMatchObject({ 'POST /items': 1, 'GET /items/item-1': 1, 'GET /check/item-1': 2 });
    });

    it('a plain re-run repeats every step with the same variables', async () => {
      const res = await rerun(original.id).expect(201);
      expect(res.body).toMatchObject({ rerunOf: original.id, flowVersion: 1, variables: original.variables });
      expect(res.body.correlationId).not.toBe(original.correlationId);
      const done = await waitForExecution(t, owner, teamId, res.body.id);
      expect(done.status).toBe('COMPLETED');
      expect(done.steps.map((s: any) => s.reused)).toEqual([false, false, false]);
      expect(done.steps[0].request.body).toEqual({ tag: original.variables.tag });
      expect(target.hits).toMatchObject({ 'POST /items': 2, 'GET /items/item-2': 1, 'GET /check/item-2': 1 });
    });

    it('refuses a step name the version does not have, naming fromStep', async () => {
      const res = await rerun(original.id, '?fromStep=chek').expect(400);
      expect(res.body.details.problems).toEqual([{ field: 'fromStep', message: expect.stringContaining('no step named "chek"') }]);
      expect(target.hits['POST /items']).toBe(2);
    });

    it('answers 404 to another team and 403 to a viewer', async () => {
      await rerun(original.id, '', other.user, other.teamId).expect(404);
      await rerun(original.id, '?fromStep=check', other.user, other.teamId).expect(404);
      await rerun('not-a-uuid').expect(404);
      await rerun(original.id, '', viewer).expect(403);
    });
  });

  it('refuses to resume after a background step, naming it', async () => {
    const flowId = await createFlow(t, owner, teamId, {
      name: 'background-first',
      steps: [noRetry({ name: 'listen', type: 'delay', runInBackground: true, config: { delayMs: 1 } }), noRetry({ name: 'after', type: 'delay', config: { delayMs: 1 } })],
    });
    const done = await waitForExecution(t, owner, teamId, (await runFlow(t, owner, teamId, flowId)).id);
    expect(done.status).toBe('COMPLETED');
    const res = await rerun(done.id, '?fromStep=after').expect(400);
    expect(res.body.details.problems[0]).toEqual({ field: 'fromStep', message: expect.stringContaining('step "listen" before "after" runs in the background') });
  });

  it('refuses to resume after a step whose stored result was truncated, naming it', async () => {
    const flowId = await createFlow(t, owner, teamId, {
      name: 'big-first',
      steps: [noRetry({ name: 'big', type: 'http', config: { url: `${target.url}/big` } }), noRetry({ name: 'after', type: 'delay', config: { delayMs: 1 } })],
    });
    const done = await waitForExecution(t, owner, teamId, (await runFlow(t, owner, teamId, flowId)).id);
    expect(done.status).toBe('COMPLETED');
    expect(done.steps[0].response.truncated).toBe(true);
    const res = await rerun(done.id, '?fromStep=after').expect(400);
    expect(res.body.details.problems[0]).toEqual({ field: 'fromStep', message: expect.stringContaining('stored result of step "big" was truncated') });
    // From the first step nothing is reused, so nothing truncated is read.
    await rerun(done.id, '?fromStep=big').expect(201);
  });

  it('refuses to resume after a failed step the flow stops at', async () => {
    const flowId = await createFlow(t, owner, teamId, {
      name: 'boom-first',
      steps: [noRetry({ name: 'boom', type: 'http', config: { url: `${target.url}/boom` }, assertions: [{ path: 'status', operator: 'equals', expected: 200 }] }), noRetry({ name: 'after', type: 'delay', config: { delayMs: 1 } })],
    });
    const done = await waitForExecution(t, owner, teamId, (await runFlow(t, owner, teamId, flowId)).id);
    const res = await rerun(done.id, '?fromStep=after').expect(400);
    expect(res.body.details.problems[0].message).toContain('step "boom" failed in the original run');
  });

  it('re-runs only the failed flows of a suite run as a new suite run, or all of them', async () => {
    const passing = await createFlow(t, owner, teamId, { name: 'passes', steps: [noRetry({ name: 'wait', type: 'delay', config: { delayMs: 1 } })] });
    const failing = await createFlow(t, owner, teamId, {
      name: 'fails',
      steps: [noRetry({ name: 'boom', type: 'http', config: { url: `${target.url}/boom` }, assertions: [{ path: 'status', operator: 'equals', expected: 200 }] })],
    });
    const suite = await createSuite(t, owner, teamId, { name: 'mixed', entries: [{ flowId: passing }, { flowId: failing }] });
    const first = await waitForSuiteRun(t, owner, teamId, (await runSuite(t, owner, teamId, suite.id)).id);
    expect(first.status).toBe('FAILED');
    const boomHits = target.hits['GET /boom'];
    const failedItem = first.items.find((i: any) => i.flowId === failing);

    const suiteRerun = (query: string, user = owner, team = teamId) => t.http.post(`${API}/teams/${team}/suite-runs/${first.id}/rerun${query}`).set(user.auth);
    await suiteRerun('?failedOnly=true', other.user, other.teamId).expect(404);
    await suiteRerun('?failedOnly=true', viewer).expect(403);

    const res = await suiteRerun('?failedOnly=true').expect(201);
    expect(res.body).toMatchObject({ rerunOf: first.id, suiteId: suite.id, trigger: 'api', counts: { total: 1 } });
    expect(res.body.items.map((i: any) => [i.position, i.flowId])).toEqual([[failedItem.position, failing]]); // keeps its place in the suite
    const again = await waitForSuiteRun(t, owner, teamId, res.body.id);
    expect(again.status).toBe('FAILED');
    expect(target.hits['GET /boom']).toBe(boomHits + 1);
    const execution = (await t.http.get(`${API}/teams/${teamId}/executions/${again.items[0].executionId}`).set(owner.auth).expect(200)).body;
    expect(execution).toMatchObject({ rerunOf: failedItem.executionId, suiteRunId: again.id, trigger: 'suite' });

    const all = await suiteRerun('?failedOnly=false').expect(201);
    expect(all.body.items.map((i: any) => i.flowId)).toEqual([passing, failing]);
    expect((await waitForSuiteRun(t, owner, teamId, all.body.id)).counts).toMatchObject({ total: 2, passed: 1, failed: 1 });
  });

  it('documents both re-run endpoints and the new fields in Swagger', async () => {
    const doc = (await t.http.get('/docs-json').expect(200)).body;
    const rerunOp = doc.paths['/api/v1/teams/{teamId}/executions/{executionId}/rerun'].post;
    expect(rerunOp.parameters.map((p: any) => p.name)).toContain('fromStep');
    expect(Object.keys(rerunOp.responses)).toEqual(expect.arrayContaining(['201', '400', '429']));
    expect(doc.paths['/api/v1/teams/{teamId}/suite-runs/{suiteRunId}/rerun'].post.parameters.map((p: any) => p.name)).toContain('failedOnly');
    expect(doc.components.schemas.ExecutionDto.properties.rerunOf).toBeDefined();
    expect(doc.components.schemas.ExecutionStepSummaryDto.properties.reused).toBeDefined();
    expect(doc.components.schemas.SuiteRunDto.properties.rerunOf ?? doc.components.schemas.SuiteRunSummaryDto.properties.rerunOf).toBeDefined();
  });
});

describe('re-runs count against the team run rate', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp('rerun_rate', { env: { TEAM_RUN_RATE_PER_MIN: '3' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 429 with Retry-After once runs and re-runs together pass the limit', async () => {
    const { user, teamId } = await ownerWithTeam(t, 'rerun-rate');
    const flowId = await createFlow(t, user, teamId, { name: 'tick', steps: [noRetry({ name: 'wait', type: 'delay', config: { delayMs: 1 } })] });
    const first = await waitForExecution(t, user, teamId, (await runFlow(t, user, teamId, flowId)).id);
    const suite = await createSuite(t, user, teamId, { name: 'ticks', entries: [{ flowId }] });
    const suiteRun = await waitForSuiteRun(t, user, teamId, (await runSuite(t, user, teamId, suite.id)).id);
    await t.http.post(`${API}/teams/${teamId}/executions/${first.id}/rerun`).set(user.auth).expect(201);
    const refused = await t.http.post(`${API}/teams/${teamId}/executions/${first.id}/rerun?fromStep=wait`).set(user.auth).expect(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    await t.http.post(`${API}/teams/${teamId}/suite-runs/${suiteRun.id}/rerun`).set(user.auth).expect(429);
  });
});
