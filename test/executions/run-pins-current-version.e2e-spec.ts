import { createFlow, runFlow } from '../support/flow-helpers';
import { API, ownerWithTeam, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * A run request pins the flow version from this API process's memory of the previous request for the
 * same flow (no read), and the insert refuses it when it went stale (FlowVersionReader.recentForNewRun,
 * ExecutionsRepository INSERT_PENDING_CHECKED_SQL). Each case first runs the flow so that memory holds
 * the old version, then changes the flow and runs again: the run must pin what a fresh read would.
 */
describe('a run pins the current version, right after the flow changed', () => {
  let t: TestApp;
  let user: TestUser;
  let teamId: string;
  let other: { user: TestUser; teamId: string };

  beforeAll(async () => {
    t = await startTestApp('run_pins_current');
    ({ user, teamId } = await ownerWithTeam(t, 'pins'));
    other = await ownerWithTeam(t, 'pins-other');
  });
  afterAll(async () => {
    await t?.close();
  });

  const delay = (name: string) => ({ name, type: 'delay', config: { delayMs: 0 } });
  const patch = (flowId: string, body: Record<string, unknown>) => t.http.patch(`${API}/teams/${teamId}/flows/${flowId}`).set(user.auth).send(body).expect(200);
  const run = (flowId: string, body: Record<string, unknown> = {}, as: { user: TestUser; teamId: string } = { user, teamId }) =>
    t.http.post(`${API}/teams/${as.teamId}/flows/run`).set(as.user.auth).send({ flowId, ...body });

  it('pins a version saved after the previous run, with its steps', async () => {
    const flowId = await createFlow(t, user, teamId, { name: 'saved-between', steps: [delay('one')] });
    expect((await runFlow(t, user, teamId, flowId)).flowVersion).toBe(1);
    await patch(flowId, { steps: [delay('one'), delay('two')] });
    const second = await runFlow(t, user, teamId, flowId);
    expect(second.flowVersion).toBe(2);
    expect(second.steps.map((s: { name: string }) => s.name)).toEqual(['one', 'two']);
    // And a third run, now from memory again, still the new version.
    expect((await runFlow(t, user, teamId, flowId)).flowVersion).toBe(2);
  });

  it('records the name the flow has now after a rename (no new version)', async () => {
    const flowId = await createFlow(t, user, teamId, { name: 'before-rename', steps: [delay('one')] });
    expect((await runFlow(t, user, teamId, flowId)).flowName).toBe('before-rename');
    await patch(flowId, { name: 'after-rename' });
    const second = await runFlow(t, user, teamId, flowId);
    expect(second).toMatchObject({ flowName: 'after-rename', flowVersion: 1 });
    const stored = await t.http.get(`${API}/teams/${teamId}/executions/${second.id}`).set(user.auth).expect(200);
    expect(stored.body.flowName).toBe('after-rename');
  });

  it("judges the request by the new version's variables, not the remembered ones", async () => {
    const flowId = await createFlow(t, user, teamId, { name: 'vars-change', variables: [{ name: 'region', type: 'string', required: true }], steps: [delay('one')] });
    await runFlow(t, user, teamId, flowId, { variables: [{ name: 'region', value: 'eu' }] });
    const refused = await run(flowId);
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('region');
    await patch(flowId, { variables: [] });
    const second = await runFlow(t, user, teamId, flowId);
    expect(second.flowVersion).toBe(2);
  });

  it('answers 404 once the flow is deleted, for the latest and for a pinned version', async () => {
    const flowId = await createFlow(t, user, teamId, { name: 'deleted-later', steps: [delay('one')] });
    await runFlow(t, user, teamId, flowId);
    await runFlow(t, user, teamId, flowId, { version: 1 });
    await t.http.delete(`${API}/teams/${teamId}/flows/${flowId}`).set(user.auth).expect(204);
    expect((await run(flowId)).status).toBe(404);
    expect((await run(flowId, { version: 1 })).status).toBe(404);
    const rows = await t.http.get(`${API}/teams/${teamId}/executions?flowId=${flowId}`).set(user.auth).expect(200);
    expect(rows.body.total).toBe(2); // the refused runs wrote nothing
  });

  it('pins an older version when asked for it, and refuses a version the flow does not have', async () => {
    const flowId = await createFlow(t, user, teamId, { name: 'explicit', steps: [delay('one')] });
    await patch(flowId, { steps: [delay('one'), delay('two')] });
    expect((await runFlow(t, user, teamId, flowId, { version: 1 })).flowVersion).toBe(1);
    expect((await runFlow(t, user, teamId, flowId, { version: 1 })).steps).toHaveLength(1);
    expect((await run(flowId, { version: 3 })).status).toBe(404);
  });

  it("never lets another team run the flow, before or after this team's runs", async () => {
    const flowId = await createFlow(t, user, teamId, { name: 'not-yours', steps: [delay('one')] });
    expect((await run(flowId, {}, other)).status).toBe(404);
    await runFlow(t, user, teamId, flowId);
    expect((await run(flowId, {}, other)).status).toBe(404);
    expect((await run(flowId, { version: 1 }, other)).status).toBe(404);
  });
});
