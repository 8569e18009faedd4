import { createFlow, waitForExecution } from '../support/flow-helpers';
import { json, startHttpTarget } from '../support/http-target';
import { API, teamWithViewerAndOutsider, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * POST …/flows/run-batch: runs of one flow version in one request, one row of variables each
 * (data-driven tests). All or nothing: a bad row, a foreign flow or a batch past the team's run rate
 * writes no execution and queues no job.
 */
describe('a batch of runs of one flow', () => {
  let t: TestApp;
  let owner: TestUser;
  let viewer: TestUser;
  let teamId: string;
  let other: { user: TestUser; teamId: string };
  let target: Awaited<ReturnType<typeof startHttpTarget>>;
  let flowId: string;
  const seen: string[] = [];

  beforeAll(async () => {
    t = await startTestApp('run_batch', { env: { TEAM_RUN_RATE_PER_MIN: '12' } });
    ({ owner, teamId, viewer, other } = await teamWithViewerAndOutsider(t, 'batch'));
    target = await startHttpTarget({
      'GET /items/*': (req, _b, res) => {
        const sku = req.url!.split('/').pop()!;
        seen.push(sku);
        json(res, 200, { sku, price: sku.length });
      },
    });
    flowId = await createFlow(t, owner, teamId, {
      name: 'price-check',
      variables: [{ name: 'sku', type: 'string', required: true }, { name: 'qty', type: 'number', default: 1 }],
      steps: [
        {
          name: 'item',
          type: 'http',
          config: { url: `${target.url}/items/\${sku}` },
          assertions: [{ path: 'body.sku', operator: 'equals', expected: '${sku}' }],
        },
      ],
    });
  });
  afterAll(async () => {
    await t?.close();
    await target?.close();
  });

  const batch = (body: Record<string, unknown>, as: { user: TestUser; teamId: string } = { user: owner, teamId }) =>
    t.http.post(`${API}/teams/${as.teamId}/flows/run-batch`).set(as.user.auth).send(body);
  const executionCount = async () => (await t.http.get(`${API}/teams/${teamId}/executions?flowId=${flowId}`).set(owner.auth).expect(200)).body.total as number;

  it('creates one run per row, in order, each with its own variables, and runs them all', async () => {
    const res = await batch({
      flowId,
      runs: [
        { variables: [{ name: 'sku', value: 'A-1' }] },
        { variables: [{ name: 'sku', value: 'B-22' }, { name: 'qty', value: '3' }], correlationId: 'order-b-22' },
        { variables: [{ name: 'sku', value: 'C-333' }] },
      ],
    }).expect(201);
    expect(res.body).toHaveLength(3);
    expect(res.body.map((e: { variables: { sku: string } }) => e.variables.sku)).toEqual(['A-1', 'B-22', 'C-333']);
    expect(res.body[1]).toMatchObject({ status: 'PENDING', flowVersion: 1, flowName: 'price-check', correlationId: 'order-b-22', variables: { sku: 'B-22', qty: 3 } });
    expect(new Set(res.body.map((e: { id: string }) => e.id)).size).toBe(3);
    expect(res.body[0].steps).toEqual([expect.objectContaining({ name: 'item', status: 'PENDING' })]);
    const done = await Promise.all(res.body.map((e: { id: string }) => waitForExecution(t, owner, teamId, e.id)));
    expect(done.map((e) => e.status)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);
    expect([...seen].sort()).toEqual(['A-1', 'B-22', 'C-333']);
  });

  it('refuses the whole batch when one row is invalid, naming the row, and writes nothing', async () => {
    const before = await executionCount();
    const missing = await batch({ flowId, runs: [{ variables: [{ name: 'sku', value: 'ok' }] }, { variables: [] }] }).expect(400);
    expect(JSON.stringify(missing.body)).toContain('runs.1.variables');
    expect(missing.body.message).toContain('"sku" is required');
    const badType = await batch({ flowId, runs: [{ variables: [{ name: 'sku', value: 'ok' }, { name: 'qty', value: 'many' }] }] }).expect(400);
    expect(JSON.stringify(badType.body)).toContain('runs.0.variables.1.value');
    const badShape = await batch({ flowId, runs: [{ correlationId: 'has spaces' }] }).expect(400);
    expect(JSON.stringify(badShape.body)).toContain('runs.0.correlationId');
    await batch({ flowId, runs: [] }).expect(400);
    const tooMany = await batch({ flowId, runs: Array.from({ length: 101 }, () => ({ variables: [{ name: 'sku', value: 'x' }] })) }).expect(400);
    expect(JSON.stringify(tooMany.body)).toContain('runs');
    expect(await executionCount()).toBe(before);
  });

  it('answers 404 for another team\'s flow and 403 for a viewer, writing nothing', async () => {
    const before = await executionCount();
    await batch({ flowId, runs: [{ variables: [{ name: 'sku', value: 'x' }] }] }, other).expect(404);
    await batch({ flowId, runs: [{ variables: [{ name: 'sku', value: 'x' }] }] }, { user: viewer, teamId }).expect(403);
    expect(await executionCount()).toBe(before);
  });

  it('pins the version saved since the previous batch (the remembered pin is checked by the insert)', async () => {
    const second = await createFlow(t, owner, teamId, { name: 'batch-pins', steps: [{ name: 'd', type: 'delay', config: { delayMs: 0 } }] });
    expect((await batch({ flowId: second, runs: [{}] }).expect(201)).body[0].flowVersion).toBe(1);
    await t.http.patch(`${API}/teams/${teamId}/flows/${second}`).set(owner.auth).send({ steps: [{ name: 'd', type: 'delay', config: { delayMs: 0 } }, { name: 'e', type: 'delay', config: { delayMs: 0 } }] }).expect(200);
    const after = (await batch({ flowId: second, runs: [{}] }).expect(201)).body[0];
    expect(after.flowVersion).toBe(2);
    expect(after.steps).toHaveLength(2);
  });

  it('counts every run against the team\'s run rate, and a batch refused for it uses none of it', async () => {
    const runsInWindow = async () => (await t.http.get(`${API}/teams/${teamId}/usage`).set(owner.auth).expect(200)).body.runsInWindow as number;
    const counted = await runsInWindow(); // the earlier tests' requests (those that reached the handler)
    const left = 12 - counted;
    expect(left).toBeGreaterThan(1);
    const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ variables: [{ name: 'sku', value: `r-${i}` }] }));
    const before = await executionCount();
    const refused = await batch({ flowId, runs: rows(left + 1) }).expect(429);
    expect(refused.headers['retry-after']).toBeDefined();
    expect(refused.body.message).toContain(`${left + 1} more runs would take the team past 12 runs this minute`);
    expect(await executionCount()).toBe(before);
    expect(await runsInWindow()).toBe(counted);
    // Exactly what is left fits; then a single run is one too many.
    expect((await batch({ flowId, runs: rows(left) }).expect(201)).body).toHaveLength(left);
    expect(await runsInWindow()).toBe(12);
    await t.http.post(`${API}/teams/${teamId}/flows/run`).set(owner.auth).send({ flowId, variables: [{ name: 'sku', value: 'one-more' }] }).expect(429);
  });
});
