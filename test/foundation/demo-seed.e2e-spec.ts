import { createServer } from 'node:net';
import { waitForExecution } from '../support/flow-helpers';
import { API } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// The quickstart's promise: a demo account with example resources and flows, and a flow that runs.
describe('demo seed (SEED_DEMO=true)', () => {
  let t: TestApp;
  beforeAll(async () => {
    // The demo's sql resource reads the service's own database as its owner (postgres, a superuser on
    // the development machine): the quickstart (single-team local use) allows privileged accounts and
    // the control plane, and so does this test of it.
    t = await startTestApp('seed', { env: { SEED_DEMO: 'true', SQL_ALLOW_PRIVILEGED: 'true', EGRESS_ALLOW_CONTROL_PLANE: 'true', PORT: String(await freePort()) } });
  });
  afterAll(() => t.close());

  it('creates the demo team with example resources and flows, and the smoke flow passes', async () => {
    const login = await t.http.post(`${API}/auth/login`).send({ email: 'demo@example.com', password: 'demo-password-123' }).expect(200);
    const user = { id: '', email: 'demo@example.com', accessToken: login.body.accessToken, refreshToken: '', auth: { Authorization: `Bearer ${login.body.accessToken}` } };
    const me = await t.http.get(`${API}/auth/me`).set(user.auth).expect(200);
    const teamId = me.body.teams[0].id;
    const resources = await t.http.get(`${API}/teams/${teamId}/resources`).set(user.auth).expect(200);
    expect(resources.body.items.map((r: { type: string }) => r.type).sort()).toEqual(['http', 'kafka', 'loki', 'prometheus', 'sql']);
    const flows = await t.http.get(`${API}/teams/${teamId}/flows`).set(user.auth).expect(200);
    expect(flows.body.total).toBe(4);
    const smoke = flows.body.items.find((f: { name: string }) => f.name === 'Service smoke test');
    const run = await t.http.post(`${API}/teams/${teamId}/flows/run`).set(user.auth).send({ flowId: smoke.id }).expect(201);
    const done = await waitForExecution(t, user, teamId, run.body.id);
    expect({ status: done.status, error: done.error }).toEqual({ status: 'COMPLETED', error: null });
    expect(done.steps.map((s: { status: string }) => s.status)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
  });
});
