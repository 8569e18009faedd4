import { Client } from 'pg';
import { closedPort } from '../support/closed-port';
import { waitForExecution } from '../support/flow-helpers';
import { API, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';

// The quickstart's promise, in process: a demo account with example resources and flows, the demo
// orders API they test, and a read-only database role for its SQL resource. The whole first run (the
// npm script, every seeded flow, Ctrl-C) is test/foundation/first-run.e2e-spec.ts.
describe('demo seed (SEED_DEMO=true)', () => {
  let t: TestApp;
  beforeAll(async () => {
    // No SQL_ALLOW_PRIVILEGED: the seeded sql resource logs in as the read-only ats_demo_reader. The
    // control plane stays allowed: the demo keeps its rows in the service's own Postgres and Redis.
    t = await startTestApp('seed', {
      env: { SEED_DEMO: 'true', EGRESS_ALLOW_CONTROL_PLANE: 'true', PORT: String(await closedPort()), DEMO_PORT: '0', HOST: '127.0.0.1' },
    });
  });
  afterAll(() => t.close());

  it('creates the demo team with resources and flows, and the flow that needs only Postgres and Redis passes', async () => {
    const login = await t.http.post(`${API}/auth/login`).send({ email: 'demo@example.com', password: 'demo-password-123' }).expect(200);
    const auth = { Authorization: `Bearer ${login.body.accessToken}` };
    const user: TestUser = { id: '', email: 'demo@example.com', accessToken: login.body.accessToken, refreshToken: '', auth };
    const me = await t.http.get(`${API}/auth/me`).set(auth).expect(200);
    const teamId = me.body.teams[0].id;
    const resources = await t.http.get(`${API}/teams/${teamId}/resources`).set(auth).expect(200);
    expect(resources.body.items.map((r: { type: string }) => r.type).sort()).toEqual(['http', 'kafka', 'loki', 'prometheus', 'redis', 'sql']);
    const flows = await t.http.get(`${API}/teams/${teamId}/flows`).set(auth).expect(200);
    expect(flows.body.items.map((f: { name: string }) => f.name).sort()).toEqual([
      'Order API smoke test',
      'Order logged in Loki',
      'Order placed → event published',
      'Orders counted in Prometheus',
      'Place an order',
    ]);
    const place = flows.body.items.find((f: { name: string }) => f.name === 'Place an order');
    const run = await t.http.post(`${API}/teams/${teamId}/flows/run`).set(auth).send({ flowId: place.id }).expect(201);
    const done = await waitForExecution(t, user, teamId, run.body.id);
    expect({ status: done.status, error: done.error }).toEqual({ status: 'COMPLETED', error: null });
    expect(done.steps.map((s: { name: string; status: string }) => [s.name, s.status])).toEqual([
      ['placeOrder', 'SUCCESS'],
      ['readBack', 'SUCCESS'],
      ['orderRow', 'SUCCESS'],
      ['cached', 'SUCCESS'],
    ]);
  });

  it('gives the sql resource a role that reads the demo table and nothing else', async () => {
    const url = new URL(t.config.DATABASE_URL);
    url.username = 'ats_demo_reader';
    const reader = new Client({ connectionString: url.toString() });
    await reader.connect();
    try {
      await expect(reader.query('SELECT count(*) FROM demo.orders')).resolves.toBeDefined();
      await expect(reader.query('SELECT count(*) FROM users')).rejects.toThrow(/permission denied/);
      await expect(reader.query("INSERT INTO demo.orders (id, customer_id, sku, qty) VALUES (gen_random_uuid(), 'x', 'y', 1)")).rejects.toThrow(/permission denied/);
    } finally {
      await reader.end();
    }
  });
});
