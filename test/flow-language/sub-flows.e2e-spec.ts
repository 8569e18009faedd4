import { json, startHttpTarget } from '../support/http-target';
import { createFlow, noRetry, runFlow, waitForExecution } from '../support/flow-helpers';
import { API, ownerWithTeam, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';
import { setTeamLimit } from '../fair-share/fair-share-support';

describe('sub-flows and outputs (flow step → child execution)', () => {
  let t: TestApp;
  let user: TestUser;
  let teamId: string;
  let target: Awaited<ReturnType<typeof startHttpTarget>>;

  beforeAll(async () => {
    t = await startTestApp('sub-flows');
    ({ user, teamId } = await ownerWithTeam(t, 'sub-flows'));
    target = await startHttpTarget({
      'POST /orders': (_req, body, res) => json(res, 201, { id: `o-${JSON.parse(body).sku}`, received: JSON.parse(body) }),
      'GET /boom': (_req, _b, res) => json(res, 500, { error: 'boom' }),
    });
  });
  afterAll(async () => {
    await t.close();
    await target.close();
  });

  const getExecution = async (id: string) => (await t.http.get(`${API}/teams/${teamId}/executions/${id}`).set(user.auth).expect(200)).body;
  const flowStep = (name: string, flowId: string, config: Record<string, unknown> = {}, step: Record<string, unknown> = {}) =>
    noRetry({ name, type: 'flow', config: { flowId, ...config }, ...step });

  it('runs a child with variables; a later parent step reads its outputs; both executions show the link and outputs', async () => {
    const childId = await createFlow(t, user, teamId, {
      name: 'place order',
      variables: [{ name: 'sku', type: 'string', required: true }],
      steps: [noRetry({ name: 'placeOrder', type: 'http', config: { url: `${target.url}/orders`, method: 'POST', body: { sku: '${sku}' } } })],
      outputs: { orderId: '${placeOrder.response.body.id}', status: '${placeOrder.response.status}' },
    } as never);
    const parentId = await createFlow(t, user, teamId, {
      name: 'checkout',
      variables: [{ name: 'sku', type: 'string', default: 'A-7' }],
      steps: [
        flowStep('order', childId, { variables: { sku: '${sku}' } }),
        noRetry({ name: 'echo', type: 'http', config: { url: `${target.url}/orders`, method: 'POST', body: { sku: 'again-${order.response.outputs.orderId}' } } }),
      ],
      outputs: { childOrder: '${order.response.outputs.orderId}' },
    } as never);

    const parent = await waitForExecution(t, user, teamId, (await runFlow(t, user, teamId, parentId)).id);
    expect(parent.status).toBe('COMPLETED');
    expect(parent.outputs).toEqual({ childOrder: 'o-A-7' });
    const [order, echo] = parent.steps;
    expect(order.response).toMatchObject({ status: 'COMPLETED', outputs: { orderId: 'o-A-7', status: 201 } });
    expect(order.childExecutionId).toBe(order.response.executionId);
    expect(echo.response.body.received).toEqual({ sku: 'again-o-A-7' });

    const child = await getExecution(order.childExecutionId);
    expect(child).toMatchObject({ flowId: childId, trigger: 'flow', status: 'COMPLETED', parentExecutionId: parent.id, parentStepIndex: 0, variables: { sku: 'A-7' } });
    expect(child.outputs).toEqual({ orderId: 'o-A-7', status: 201 });
    const listed = await t.http.get(`${API}/teams/${teamId}/executions?trigger=flow&flowId=${childId}`).set(user.auth).expect(200);
    expect(listed.body.items.map((e: any) => e.id)).toContain(child.id);
  });

  it('fails the flow step when the child fails, naming the child flow, its step and its error', async () => {
    const childId = await createFlow(t, user, teamId, {
      name: 'breaks',
      steps: [
        noRetry({ name: 'callBoom', type: 'http', config: { url: `${target.url}/boom` }, assertions: [{ path: 'status', operator: 'equals', expected: 200 }] }),
        noRetry({ name: 'later', type: 'delay', config: { delayMs: 1 } }),
      ],
      outputs: { status: '${callBoom.response.status}', waited: '${later.response.delayedMs}' },
    } as never);
    const parentId = await createFlow(t, user, teamId, {
      name: 'calls breaks',
      steps: [flowStep('sub', childId), noRetry({ name: 'after', type: 'delay', config: { delayMs: 1 } })],
    });
    const parent = await waitForExecution(t, user, teamId, (await runFlow(t, user, teamId, parentId)).id);
    expect(parent.status).toBe('FAILED');
    expect(parent.steps.map((s: any) => s.status)).toEqual(['ERROR', 'SKIPPED']);
    expect(parent.steps[0].error).toBe('child flow "breaks" failed at step "callBoom": assertion failed: status: expected 200 but was 500');
    const child = await getExecution(parent.steps[0].childExecutionId);
    expect(child).toMatchObject({ status: 'FAILED', parentExecutionId: parent.id });
    // A FAILED run keeps the outputs that could be evaluated and leaves out the rest (the skipped step's).
    expect(child.outputs).toEqual({ status: 500 });
  });

  it('fails a COMPLETED run whose output cannot be evaluated, naming the output', async () => {
    const flowId = await createFlow(t, user, teamId, {
      name: 'missing output',
      steps: [noRetry({ name: 'wait', type: 'delay', config: { delayMs: 1 } })],
      outputs: { id: '${wait.response.body.id}' },
    } as never);
    const done = await waitForExecution(t, user, teamId, (await runFlow(t, user, teamId, flowId)).id);
    expect(done.status).toBe('FAILED');
    expect(done.error).toMatch(/^output "id" could not be evaluated: /);
  });

  it('cancelling the parent cancels its running child', async () => {
    const childId = await createFlow(t, user, teamId, { name: 'slow child', steps: [noRetry({ name: 'wait', type: 'delay', config: { delayMs: 60_000 }, timeoutMs: 120_000 })] });
    const parentId = await createFlow(t, user, teamId, { name: 'slow parent', steps: [flowStep('sub', childId, {}, { timeoutMs: 120_000 })] });
    const run = await runFlow(t, user, teamId, parentId);
    const running = await waitForExecution(t, user, teamId, run.id, 10_000, (e) => !!e.steps[0].childExecutionId);
    const childExecutionId = running.steps[0].childExecutionId;
    await waitForExecution(t, user, teamId, childExecutionId, 10_000, (e) => e.steps[0].status === 'IN_PROGRESS');
    await t.http.post(`${API}/teams/${teamId}/executions/${run.id}/cancel`).set(user.auth).expect(200);
    const parent = await waitForExecution(t, user, teamId, run.id, 10_000);
    const child = await waitForExecution(t, user, teamId, childExecutionId, 10_000);
    expect(parent.status).toBe('CANCELLED');
    expect(parent.steps[0].status).toBe('CANCELLED');
    expect(child.status).toBe('CANCELLED');
    expect(child.steps[0].status).toBe('CANCELLED');
    expect(child.error).toBe(`Cancelled with its parent execution ${run.id}`);
    expect(child.outputs).toBeNull();
  });

  it('refuses cycles at save: self-calls and A → B → A, naming the step and the cycle', async () => {
    const a = await createFlow(t, user, teamId, { name: 'cycle A', steps: [noRetry({ name: 'w', type: 'delay', config: { delayMs: 1 } })] });
    const self = await t.http.patch(`${API}/teams/${teamId}/flows/${a}`).set(user.auth).send({ steps: [flowStep('me', a)] }).expect(400);
    expect(self.body.details.problems).toEqual([expect.objectContaining({ pointer: '/steps/0/config/flowId', message: expect.stringContaining('"cycle A" → "cycle A"') })]);

    const b = await createFlow(t, user, teamId, { name: 'cycle B', steps: [flowStep('callA', a)] });
    const res = await t.http.patch(`${API}/teams/${teamId}/flows/${a}`).set(user.auth).send({ steps: [noRetry({ name: 'w', type: 'delay', config: { delayMs: 1 } }), flowStep('callB', b)] }).expect(400);
    expect(res.body.details.problems).toEqual([
      expect.objectContaining({ pointer: '/steps/1/config/flowId', message: expect.stringContaining('makes a cycle: "cycle A" → "cycle B" → "cycle A"') }),
    ]);
  });

  it('refuses nesting deeper than 5 levels at save, over callers and callees', async () => {
    // f0 → f1 → … → f5 is 5 levels of sub-flows: allowed. One more level either way is refused.
    let callee = await createFlow(t, user, teamId, { name: 'depth 5', steps: [noRetry({ name: 'w', type: 'delay', config: { delayMs: 1 } })] });
    const leaf = callee;
    for (let level = 4; level >= 0; level--) callee = await createFlow(t, user, teamId, { name: `depth ${level}`, steps: [flowStep('down', callee)] });
    const top = await t.http.post(`${API}/teams/${teamId}/flows`).set(user.auth).send({ name: 'depth -1', steps: [flowStep('down', callee)] }).expect(400);
    expect(top.body.details.problems[0]).toMatchObject({ pointer: '/steps/0/config/flowId', message: expect.stringContaining('nests sub-flows 6 levels deep') });

    const extra = await createFlow(t, user, teamId, { name: 'depth 6', steps: [noRetry({ name: 'w', type: 'delay', config: { delayMs: 1 } })] });
    const below = await t.http.patch(`${API}/teams/${teamId}/flows/${leaf}`).set(user.auth).send({ steps: [flowStep('deeper', extra)] }).expect(400);
    expect(below.body.details.problems[0].message).toContain('"depth 0" → "depth 1" → "depth 2" → "depth 3" → "depth 4" → "depth 5" → "depth 6"');
  });

  it("refuses another team's flow at save", async () => {
    const other = await ownerWithTeam(t, 'sub-flows-other');
    const foreign = await createFlow(t, other.user, other.teamId, { name: 'theirs', steps: [noRetry({ name: 'w', type: 'delay', config: { delayMs: 1 } })] });
    const res = await t.http.post(`${API}/teams/${teamId}/flows`).set(user.auth).send({ name: 'calls theirs', steps: [flowStep('x', foreign)] }).expect(400);
    expect(res.body.details.problems).toEqual([expect.objectContaining({ pointer: '/steps/0/config/flowId', message: expect.stringContaining(`flow ${foreign} not found in this team`) })]);
  });

  it('checks outputs at save: names and references', async () => {
    const res = await t.http
      .post(`${API}/teams/${teamId}/flows`)
      .set(user.auth)
      .send({ name: 'bad outputs', steps: [noRetry({ name: 'w', type: 'delay', config: { delayMs: 1 } })], outputs: { 'bad-name': '${w.response.delayedMs}', ok: '${nope.response.x}' } })
      .expect(400);
    const pointers = res.body.details.problems.map((p: any) => p.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/outputs/bad-name', '/outputs/ok']));
  });

  it("runs a child inside its parent's team slot: with a team limit of 1 the parent completes and another run waits for both", async () => {
    const { user: owner, teamId: team } = await ownerWithTeam(t, 'sub-flows-limit');
    await setTeamLimit(t, owner, team, 1);
    const childId = await createFlow(t, owner, team, { name: 'slow child', steps: [noRetry({ name: 'wait', type: 'delay', config: { delayMs: 1500 } })] });
    const parentId = await createFlow(t, owner, team, { name: 'parent', steps: [noRetry({ name: 'child', type: 'flow', config: { flowId: childId } })] });
    const otherId = await createFlow(t, owner, team, { name: 'other', steps: [noRetry({ name: 'tick', type: 'delay', config: { delayMs: 1 } })] });
    const parent = await runFlow(t, owner, team, parentId);
    await waitForExecution(t, owner, team, parent.id, 10_000, (e) => e.steps[0].status === 'IN_PROGRESS');
    const other = await runFlow(t, owner, team, otherId);
    // The limit is 1/1 with the parent running — its child does not count a second time.
    const waiting = await waitForExecution(t, owner, team, other.id, 10_000, (e) => e.waitingReason !== null || e.status !== 'PENDING');
    expect(waiting).toMatchObject({ status: 'PENDING', waitingReason: expect.stringMatching(/^waiting: team at its concurrency limit 1\/1/) });
    const done = await waitForExecution(t, owner, team, parent.id, 20_000);
    expect(done.status).toBe('COMPLETED');
    expect((await waitForExecution(t, owner, team, other.id, 20_000)).status).toBe('COMPLETED');
  });
});
