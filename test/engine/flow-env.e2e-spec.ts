import { json, startHttpTarget } from '../support/http-target';
import { createFlow, noRetry, runFlow, waitForExecution } from '../support/flow-helpers';
import { API, ownerWithTeam, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';

/** `${env.NAME}` reads only names in FLOW_ENV_ALLOWLIST: others are refused when the flow is saved. */
describe('environment references in flows', () => {
  let t: TestApp;
  let user: TestUser;
  let teamId: string;
  let target: Awaited<ReturnType<typeof startHttpTarget>>;

  beforeAll(async () => {
    target = await startHttpTarget({ 'GET /ping': (_req, _b, res) => json(res, 200, { pong: true }) });
    t = await startTestApp('flow-env', { env: { FLOW_ENV_ALLOWLIST: 'ATS_E2E_TARGET, ATS_E2E_UNSET', ATS_E2E_TARGET: target.url } });
    ({ user, teamId } = await ownerWithTeam(t, 'flow-env'));
  });
  afterAll(async () => {
    await t.close();
    await target.close();
  });

  it('runs a step whose URL comes from an allow-listed variable', async () => {
    const flowId = await createFlow(t, user, teamId, {
      name: 'env url',
      steps: [noRetry({ name: 'ping', type: 'http', config: { url: '${env.ATS_E2E_TARGET}/ping' }, assertions: [{ path: 'body.pong', operator: 'equals', expected: true }] })],
    });
    const done = await waitForExecution(t, user, teamId, (await runFlow(t, user, teamId, flowId)).id);
    expect(done.status).toBe('COMPLETED');
    expect(done.steps[0].request).toMatchObject({ url: `${target.url}/ping` });
  });

  it('refuses, when saving, a name outside the allow-list, naming where it is and what is allowed', async () => {
    const res = await t.http
      .post(`${API}/teams/${teamId}/flows`)
      .set(user.auth)
      .send({ name: 'leaky', steps: [{ name: 'leak', type: 'http', config: { url: 'http://127.0.0.1:9/${env.HOME}' } }] })
      .expect(400);
    expect(res.body.details.problems).toEqual([
      expect.objectContaining({ pointer: '/steps/0/config/url', message: '${env.HOME}: env.HOME is not in FLOW_ENV_ALLOWLIST (allowed here: ATS_E2E_TARGET, ATS_E2E_UNSET)' }),
    ]);
  });
});
