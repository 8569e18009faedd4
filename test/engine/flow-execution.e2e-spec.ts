import { json, startHttpTarget } from '../support/http-target';
import { createFlow, noRetry, runFlow, waitForExecution } from '../support/flow-helpers';
import { API, ownerWithTeam, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';

describe('flow execution (API → queue → worker → Postgres)', () => {
  let t: TestApp;
  let user: TestUser;
  let teamId: string;
  let target: Awaited<ReturnType<typeof startHttpTarget>>;
  let flaky = 0;

  beforeAll(async () => {
    t = await startTestApp('engine');
    ({ user, teamId } = await ownerWithTeam(t, 'engine'));
    target = await startHttpTarget({
      'POST /orders': (_req, body, res) => json(res, 201, { id: 'o-42', received: JSON.parse(body) }),
      'GET /orders/o-42': (_req, _b, res) => json(res, 200, { id: 'o-42', status: 'PAID', lines: [{ sku: 'A-1', qty: 2 }] }),
      'POST /orders/o-42/ship': (req, _b, res) => json(res, 202, { shipped: true, tracking: req.headers['x-tracking'] }),
      'GET /flaky': (_req, _b, res) => (++flaky >= 3 ? json(res, 200, { ready: true }) : json(res, 503, { ready: false })),
      'GET /slow': () => undefined, // never answers
      'GET /boom': (_req, _b, res) => json(res, 500, { error: 'boom' }),
    });
  });
  afterAll(async () => {
    await t.close();
    await target.close();
  });

  it('runs a chained 3-step HTTP flow, feeding step 1 values into step 3', async () => {
    const flowId = await createFlow(t, user, teamId, {
      name: 'chained',
      variables: [{ name: 'sku', type: 'string', default: 'A-1' }],
      steps: [
        noRetry({ name: 'create', type: 'http', config: { url: `${target.url}/orders`, method: 'POST', body: { sku: '${sku}', qty: 2 } }, assertions: [{ path: 'status', operator: 'equals', expected: 201 }] }),
        noRetry({ name: 'read', type: 'http', config: { url: `${target.url}/orders/\${create.response.body.id}` }, assertions: [{ path: 'body.lines[0].sku', operator: 'equals', expected: '${sku}' }] }),
        noRetry({ name: 'ship', type: 'http', config: { url: `${target.url}/orders/\${create.response.body.id}/ship`, method: 'POST', headers: { 'X-Tracking': 'T-${read.response.body.lines[0].qty}' } }, assertions: [{ path: 'body.tracking', operator: 'equals', expected: 'T-2' }] }),
      ],
    });
    const created = await runFlow(t, user, teamId, flowId);
    expect(created).toMatchObject({ flowId, flowVersion: 1, status: 'PENDING', userId: user.id });
    expect(created.steps.map((s: any) => s.status)).toEqual(['PENDING', 'PENDING', 'PENDING']);
    const done = await waitForExecution(t, user, teamId, created.id);
    expect(done.status).toBe('COMPLETED');
    expect(done.steps.map((s: any) => s.status)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
    expect(done.steps[0].response.body.received).toEqual({ sku: 'A-1', qty: 2 });
    expect(done.steps[2].request.url).toBe(`${target.url}/orders/o-42/ship`);
    expect(done.steps[2].assertions[0]).toMatchObject({ passed: true, actual: 'T-2' });
  });

  it('fails on an assertion and records actual vs expected', async () => {
    const flowId = await createFlow(t, user, teamId, {
      name: 'assert-fail',
      steps: [
        noRetry({ name: 'boom', type: 'http', config: { url: `${target.url}/boom` }, assertions: [{ path: 'status', operator: 'equals', expected: 200 }] }),
        noRetry({ name: 'never', type: 'delay', config: { delayMs: 1 } }),
      ],
    });
    const done = await waitForExecution(t, user, teamId, (await runFlow(t, user, teamId, flowId)).id);
    expect(done.status).toBe('FAILED');
    expect(done.error).toContain('step "boom" failed');
    expect(done.steps[0]).toMatchObject({ status: 'ERROR', attempts: 1 });
    expect(done.steps[0].assertions[0]).toMatchObject({ path: 'status', expected: 200, actual: 500, passed: false });
    expect(done.steps[0].error).toContain('expected 200 but was 500');
    expect(done.steps[1].status).toBe('SKIPPED');
  });

  it('retries with backoff until the target starts answering', async () => {
    const flowId = await createFlow(t, user, teamId, {
      name: 'retry',
      steps: [{ name: 'poll', type: 'http', config: { url: `${target.url}/flaky` }, assertions: [{ path: 'body.ready', operator: 'equals', expected: true }], retry: { maxRetries: 4, initialDelayMs: 50, backoffMultiplier: 2, maxDelayMs: 200 } }],
    });
    const done = await waitForExecution(t, user, teamId, (await runFlow(t, user, teamId, flowId)).id);
    expect(done.status).toBe('COMPLETED');
    expect(done.steps[0].attempts).toBe(3);
  });

  it('continues past a failing step marked continueOnFailure, and ends FAILED because of it', async () => {
    const flowId = await createFlow(t, user, teamId, {
      name: 'continue',
      steps: [
        noRetry({ name: 'optional', type: 'http', config: { url: `${target.url}/boom` }, assertions: [{ path: 'status', operator: 'lt', expected: 400 }], continueOnFailure: true }),
        noRetry({ name: 'after', type: 'delay', config: { delayMs: 1 } }),
      ],
    });
    const done = await waitForExecution(t, user, teamId, (await runFlow(t, user, teamId, flowId)).id);
    expect(done.status).toBe('FAILED');
    expect(done.error).toContain('step "optional" failed');
    expect(done.steps.map((s: any) => s.status)).toEqual(['ERROR', 'SUCCESS']);
  });

  it('awaits a background step before finishing, and its failure fails the run', async () => {
    const flowId = await createFlow(t, user, teamId, {
      name: 'background',
      steps: [
        noRetry({ name: 'slowCheck', type: 'http', runInBackground: true, config: { url: `${target.url}/boom` }, assertions: [{ path: 'status', operator: 'equals', expected: 200 }] }),
        noRetry({ name: 'wait', type: 'delay', config: { delayMs: 100 } }),
      ],
    });
    const done = await waitForExecution(t, user, teamId, (await runFlow(t, user, teamId, flowId)).id);
    expect(done.status).toBe('FAILED');
    expect(done.steps.map((s: any) => s.status)).toEqual(['ERROR', 'SUCCESS']);
    expect(done.error).toContain('slowCheck');
  });

  it('aborts a request at the step timeout', async () => {
    const flowId = await createFlow(t, user, teamId, {
      name: 'timeout',
      steps: [noRetry({ name: 'hang', type: 'http', timeoutMs: 300, config: { url: `${target.url}/slow` } })],
    });
    const started = Date.now();
    const done = await waitForExecution(t, user, teamId, (await runFlow(t, user, teamId, flowId)).id);
    expect(done.status).toBe('FAILED');
    expect(done.steps[0].error).toMatch(/timed out after 300 ms/);
    expect(Date.now() - started).toBeLessThan(10000);
  });

  it('cancels mid-delay within a second and marks the rest CANCELLED', async () => {
    const flowId = await createFlow(t, user, teamId, {
      name: 'cancel',
      steps: [noRetry({ name: 'long', type: 'delay', config: { delayMs: 60000 } }), noRetry({ name: 'next', type: 'delay', config: { delayMs: 1 } })],
    });
    const run = await runFlow(t, user, teamId, flowId);
    await waitForExecution(t, user, teamId, run.id, 10000, (e) => e.steps[0].status === 'IN_PROGRESS');
    const asked = Date.now();
    await t.http.post(`${API}/teams/${teamId}/executions/${run.id}/cancel`).set(user.auth).expect(200);
    const done = await waitForExecution(t, user, teamId, run.id, 5000);
    expect(Date.now() - asked).toBeLessThan(1500);
    expect(done.status).toBe('CANCELLED');
    expect(done.steps.map((s: any) => s.status)).toEqual(['CANCELLED', 'CANCELLED']);
  });

  it('honours initialDelay, and cancelling a delayed run removes its job', async () => {
    const flowId = await createFlow(t, user, teamId, { name: 'delayed', steps: [noRetry({ name: 'd', type: 'delay', config: { delayMs: 1 } })] });
    const started = Date.now();
    const run = await runFlow(t, user, teamId, flowId, { parameters: { initialDelay: 800 } });
    const done = await waitForExecution(t, user, teamId, run.id);
    expect(done.status).toBe('COMPLETED');
    expect(new Date(done.startedAt).getTime() - new Date(done.createdAt).getTime()).toBeGreaterThanOrEqual(750);
    expect(Date.now() - started).toBeGreaterThanOrEqual(800);

    const later = await runFlow(t, user, teamId, flowId, { parameters: { initialDelay: 60000 } });
    const cancelled = await t.http.post(`${API}/teams/${teamId}/executions/${later.id}/cancel`).set(user.auth).expect(200);
    expect(cancelled.body.status).toBe('CANCELLED');
  });

  it('refuses bad run input with the field named', async () => {
    const flowId = await createFlow(t, user, teamId, { name: 'vars', variables: [{ name: 'n', type: 'number', required: true }], steps: [noRetry({ name: 'd', type: 'delay', config: { delayMs: 1 } })] });
    const res = await t.http.post(`${API}/teams/${teamId}/flows/run`).set(user.auth).send({ flowId, variables: [{ name: 'n', value: 'abc' }] }).expect(400);
    expect(res.body.details.problems[0]).toMatchObject({ field: 'variables.0.value' });
    const missing = await t.http.post(`${API}/teams/${teamId}/flows/run`).set(user.auth).send({ flowId }).expect(400);
    expect(missing.body.message).toContain('"n" is required');
    await t.http.post(`${API}/teams/${teamId}/flows/run`).set(user.auth).send({ flowId: 'nope' }).expect(400);
  });

  it('lists executions with filters, and lists the step catalogue', async () => {
    const list = await t.http.get(`${API}/teams/${teamId}/executions?status=COMPLETED&pageSize=2`).set(user.auth).expect(200);
    expect(list.body.items.length).toBeLessThanOrEqual(2);
    expect(list.body.total).toBeGreaterThanOrEqual(3);
    expect(list.body.items.every((e: any) => e.status === 'COMPLETED')).toBe(true);
    const catalogue = await t.http.get(`${API}/step-types`).set(user.auth).expect(200);
    const httpType = catalogue.body.find((s: any) => s.type === 'http');
    expect(httpType).toMatchObject({ resourceType: 'http' });
    expect(httpType.configSchema.properties.url).toMatchObject({ type: 'string' });
    expect(httpType.configSchema.required).toContain('url');
  });
});
