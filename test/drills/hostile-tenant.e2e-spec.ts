import type { IncomingHttpHeaders } from 'node:http';
import { createFlow, noRetry, runFlow, waitForExecution } from '../support/flow-helpers';
import { startHttpTarget, json } from '../support/http-target';
import { addMember, API, ownerWithTeam, registerUser, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Drill: the probes a hostile tenant ran against a default start of the service (issue #14), replayed
 * through the public API with every protection at its default (no EGRESS_ALLOW_CONTROL_PLANE, no
 * SQL_ALLOW_PRIVILEGED). Each probe once succeeded; each must now fail in the way a tester understands,
 * and the worker must stay healthy for the next tenant. The per-feature tests (test/egress,
 * test/steps/sql-privileged-accounts, test/resources/resource-secrets, test/engine/regex-safety,
 * test/engine/forged-redis-messages, test/identity/identity-hygiene) cover each protection in depth.
 */
describe('drill: a hostile tenant', () => {
  let t: TestApp;
  let attacker: { user: TestUser; teamId: string };
  let viewer: TestUser;
  let target: Awaited<ReturnType<typeof startHttpTarget>>;
  let elsewhere: Awaited<ReturnType<typeof startHttpTarget>>;
  const seenElsewhere: IncomingHttpHeaders[] = [];
  const TOKEN = 'tenant-bearer-token-5f1c9e';

  const post = (path: string, body: unknown, as: TestUser = attacker.user) => t.http.post(`${API}/teams/${attacker.teamId}${path}`).set(as.auth).send(body as object);
  const get = (path: string, as: TestUser = attacker.user) => t.http.get(`${API}/teams/${attacker.teamId}${path}`).set(as.auth);

  async function resource(body: Record<string, unknown>): Promise<string> {
    const res = await post('/resources', body);
    if (res.status !== 201) throw new Error(`resource: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id;
  }

  async function runSteps(name: string, steps: Array<Record<string, unknown>>): Promise<any> {
    const flowId = await createFlow(t, attacker.user, attacker.teamId, { name, steps: steps.map(noRetry) });
    const run = await runFlow(t, attacker.user, attacker.teamId, flowId);
    return waitForExecution(t, attacker.user, attacker.teamId, run.id, 30_000);
  }

  beforeAll(async () => {
    t = await startTestApp('hostile_tenant');
    attacker = await ownerWithTeam(t, 'mallory');
    viewer = await registerUser(t, 'mallory-viewer');
    await addMember(t, attacker.user, attacker.teamId, viewer, 'viewer');
    target = await startHttpTarget({
      'GET /echo': (req, _body, res) => json(res, 200, { headers: req.headers }),
      'GET /aaa': (_req, _body, res) => void res.writeHead(200, { 'content-type': 'text/plain' }).end(`${'a'.repeat(29)}!`),
    });
    elsewhere = await startHttpTarget({
      'GET /steal': (req, _body, res) => {
        seenElsewhere.push(req.headers);
        json(res, 200, {});
      },
    });
  });

  afterAll(async () => {
    await target?.close();
    await elsewhere?.close();
    await t?.close();
  });

  it("cannot read the service's own database (users and password hashes)", async () => {
    const own = new URL(t.config.DATABASE_URL);
    const config = { engine: 'postgres', host: own.hostname, port: Number(own.port), database: own.pathname.slice(1), user: 'postgres' };
    const literal = await post('/resources', { name: 'own-db-literal', type: 'sql', config });
    expect(literal.status).toBe(400);
    expect(JSON.stringify(literal.body)).toMatch(/egress/);

    const viaName = await resource({ name: 'own-db', type: 'sql', config: { ...config, host: 'localhost' } });
    const tested = await post(`/resources/${viaName}/test`, {}).expect(200);
    expect(tested.body).toMatchObject({ ok: false, error: expect.stringMatching(/egress refused: localhost → .*:5432 is the service's own database/) });

    const done = await runSteps('read users', [{ name: 'users', type: 'sql', config: { resourceId: viaName, query: 'SELECT email, password_hash FROM users' } }]);
    expect(done.status).toBe('FAILED');
    expect(done.steps[0].error).toMatch(/egress refused/);
    expect(done.steps[0].response).toBeFalsy();
  });

  it("cannot reach the service's own Redis (queues, cancel channel, rate-limit keys)", async () => {
    const own = new URL(t.config.REDIS_URL);
    const redisId = await resource({ name: 'own-redis', type: 'redis', config: { host: 'localhost', port: Number(own.port || 6379) } });
    const tested = await post(`/resources/${redisId}/test`, {}).expect(200);
    expect(tested.body).toMatchObject({ ok: false, error: expect.stringMatching(/egress refused/) });

    const done = await runSteps('poke redis', [
      { name: 'lockout', type: 'redis', config: { resourceId: redisId, operation: 'set', key: `${t.config.REDIS_PREFIX}:login:victim@example.com`, value: '999' } },
    ]);
    expect(done.status).toBe('FAILED');
    expect(done.steps[0].error).toMatch(/egress refused/);
  });

  it('cannot use a privileged database account, even read-only (MariaDB root with FILE/SUPER)', async () => {
    const rootId = await resource({ name: 'maria-root', type: 'sql', config: { engine: 'mysql', host: '127.0.0.1', port: 3306, database: 'mysql', user: 'root' } });
    const tested = await post(`/resources/${rootId}/test`, {}).expect(200);
    expect(tested.body).toMatchObject({ ok: false, error: expect.stringMatching(/^refused: database user "root@[^"]*" has ALL PRIVILEGES on \*\.\*/) });

    const done = await runSteps('outfile', [{ name: 'outfile', type: 'sql', config: { resourceId: rootId, query: "SELECT 'x' INTO OUTFILE '/tmp/ats-hostile-tenant'" } }]);
    expect(done.status).toBe('FAILED');
    expect(done.steps[0].error).toMatch(/refused/);
  });

  it('cannot stall the worker with a catastrophic regex; the process keeps answering', async () => {
    const flowId = await createFlow(t, attacker.user, attacker.teamId, {
      name: 'redos',
      steps: [noRetry({ name: 'aaa', type: 'http', config: { url: `${target.url}/aaa` }, assertions: [{ path: 'body', operator: 'matches', expected: '^(a+)+$' }] })],
    });
    const started = Date.now();
    const run = await runFlow(t, attacker.user, attacker.teamId, flowId);
    const live = await fetch(`${t.url}/health/live`);
    expect(live.status).toBe(200);
    const done = await waitForExecution(t, attacker.user, attacker.teamId, run.id, 20_000);
    expect(done.status).toBe('FAILED');
    expect(done.steps[0].assertions[0]).toMatchObject({ operator: 'matches', passed: false });
    // 14 s on the backtracking engine for these 30 characters; generous bound for a loaded machine.
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("keeps a resource's credentials on its own origin and out of what viewers read", async () => {
    const apiId = await resource({
      name: 'orders-api',
      type: 'http',
      config: {
        baseUrl: `${target.url}/?token=url-token-8d1e77`,
        headers: { Cookie: 'sid=cookie-secret-4b2a', 'X-Api-Key': 'api-key-secret-93f0' },
        auth: { type: 'bearer', token: TOKEN },
      },
    });

    // Stored secrets are never returned: not the bearer token, the cookie, the API key or the URL token.
    const shown = JSON.stringify((await get(`/resources/${apiId}`).expect(200)).body);
    for (const secret of [TOKEN, 'cookie-secret-4b2a', 'api-key-secret-93f0', 'url-token-8d1e77']) expect(shown).not.toContain(secret);

    // Re-pointing the saved resource at a server of the attacker's without re-entering the secrets.
    const repoint = await post('/resources/test', { resourceId: apiId, type: 'http', config: { baseUrl: `${elsewhere.url}/`, auth: { type: 'bearer' } } });
    expect(repoint.status).toBe(400);
    expect(JSON.stringify(repoint.body)).toMatch(/send the .* again/);

    // An absolute URL on another origin gets none of the resource's credentials; the echo on its own
    // origin is stored redacted, so a viewer never reads the token back.
    const done = await runSteps('exfiltrate', [
      { name: 'away', type: 'http', config: { resourceId: apiId, url: `${elsewhere.url}/steal` } },
      { name: 'echo', type: 'http', config: { resourceId: apiId, url: 'echo' } },
    ]);
    expect(done.status).toBe('COMPLETED');
    expect(seenElsewhere).toHaveLength(1);
    expect(seenElsewhere[0].authorization).toBeUndefined();
    expect(seenElsewhere[0].cookie).toBeUndefined();
    expect(seenElsewhere[0]['x-api-key']).toBeUndefined();

    const asViewer = JSON.stringify((await get(`/executions/${done.id}`, viewer).expect(200)).body);
    expect(asViewer).toContain('[REDACTED]');
    for (const secret of [TOKEN, 'cookie-secret-4b2a', 'api-key-secret-93f0', 'url-token-8d1e77']) expect(asViewer).not.toContain(secret);
    // The refused re-point sent nothing to the attacker's server: only the one `away` request arrived.
    expect(elsewhere.hits).toEqual({ 'GET /steal': 1 });
  });

  it('leaves the worker healthy for the next tenant', async () => {
    const done = await runSteps('after the drill', [{ name: 'ok', type: 'http', config: { url: `${target.url}/echo` }, assertions: [{ path: 'status', operator: 'equals', expected: 200 }] }]);
    expect(done.status).toBe('COMPLETED');
    await t.http.get('/health/ready').expect(200);
  });
});
