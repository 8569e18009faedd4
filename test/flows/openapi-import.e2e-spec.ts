import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runFlow, waitForExecution } from '../support/flow-helpers';
import { json, startHttpTarget } from '../support/http-target';
import { addMember, API, ownerWithTeam, registerUser, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';

const FIXTURES = join(__dirname, '../../src/flows/import/openapi/fixtures');
const ordersYaml = readFileSync(join(FIXTURES, 'orders-openapi3.yaml'), 'utf8');
const petsJson = readFileSync(join(FIXTURES, 'pets-swagger2.json'), 'utf8');

describe('OpenAPI import', () => {
  let t: TestApp;
  let user: TestUser;
  let teamId: string;

  const importUrl = (team = teamId) => `${API}/teams/${team}/flows/import/openapi`;
  const flowsOf = async (team: string, as = user) => (await t.http.get(`${API}/teams/${team}/flows`).set(as.auth).query({ pageSize: 100, sort: 'name' }).expect(200)).body;
  const getFlow = async (team: string, id: string, as = user) => (await t.http.get(`${API}/teams/${team}/flows/${id}`).set(as.auth).expect(200)).body;

  beforeAll(async () => {
    t = await startTestApp('openapi-import');
    ({ user, teamId } = await ownerWithTeam(t, 'openapi'));
  });
  afterAll(() => t.close());

  it('imports a YAML document: one saved flow per operation with the expected steps and variables; again → skipped', async () => {
    const res = await t.http.post(importUrl()).set(user.auth).set('content-type', 'application/yaml').send(ordersYaml).expect(201);
    expect(res.body.created.map((f: { name: string }) => f.name)).toEqual(['GET /orders', 'POST /orders', 'GET /orders/{order-id}', 'GET /health']);
    expect(res.body.skipped).toEqual([]);

    const created = Object.fromEntries(res.body.created.map((f: { id: string; name: string }) => [f.name, f.id]));
    const get = await getFlow(teamId, created['GET /orders/{order-id}']);
    expect(get.version).toBe(1);
    expect(get.tags).toEqual(['openapi', 'orders']);
    expect(get.variables.map((v: { name: string; type: string; default?: unknown }) => [v.name, v.type, v.default])).toEqual([
      ['baseUrl', 'string', 'http://orders.example.test/api'],
      ['order_id', 'string', 'ord-1'],
      ['X_Tenant', 'string', 'acme'],
    ]);
    expect(get.steps).toEqual([
      expect.objectContaining({
        name: 'getOrder',
        type: 'http',
        config: { method: 'GET', url: '${baseUrl}/orders/${order_id}', headers: { 'x-tenant': '${X_Tenant}' } },
        assertions: [
          { path: 'status', operator: 'equals', expected: 200 },
          { path: 'body', operator: 'isType', expected: 'object' },
          { path: 'body.id', operator: 'exists' },
          { path: 'body.sku', operator: 'exists' },
          { path: 'body.status', operator: 'exists' },
        ],
      }),
    ]);

    const again = await t.http.post(importUrl()).set(user.auth).set('content-type', 'application/yaml').send(ordersYaml).expect(201);
    expect(again.body.created).toEqual([]);
    expect(again.body.skipped).toHaveLength(4);
    expect(again.body.skipped[0]).toEqual({ name: 'GET /orders', reason: expect.stringContaining('already exists') });
    const failed = await t.http.post(importUrl()).set(user.auth).set('content-type', 'application/yaml').query({ onConflict: 'fail' }).send(ordersYaml).expect(400);
    expect(failed.body.message).toContain('already exists');
  });

  it('imports a Swagger 2.0 JSON document (sent as text/plain) grouped by tag', async () => {
    const res = await t.http.post(importUrl()).set(user.auth).set('content-type', 'text/plain').query({ groupBy: 'tag' }).send(petsJson).expect(201);
    expect(res.body.created.map((f: { name: string }) => f.name)).toEqual(['pets']);
    const pets = await getFlow(teamId, res.body.created[0].id);
    expect(pets.steps.map((s: { name: string; config: { method: string; url: string } }) => [s.name, s.config.method, s.config.url])).toEqual([
      ['getPet', 'GET', '${baseUrl}/pets/${petId}'],
      ['addPet', 'POST', '${baseUrl}/pets'],
    ]);
    expect(pets.steps[1].config.body).toEqual({ id: 7, name: 'Rex' });
    expect(pets.variables.map((v: { name: string; default?: unknown }) => [v.name, v.default])).toEqual([
      ['baseUrl', 'http://pets.example.test/v1'],
      ['petId', 7],
    ]);
  });

  it('dryRun answers the plan and creates nothing', async () => {
    const { user: owner, teamId: team } = await ownerWithTeam(t, 'openapi-dry');
    const res = await t.http.post(importUrl(team)).set(owner.auth).set('content-type', 'text/yaml').query({ dryRun: 'true', baseUrlVariable: 'api' }).send(ordersYaml).expect(201);
    expect(res.body.dryRun).toBe(true);
    expect(res.body.flows.map((f: { name: string; stepCount: number }) => [f.name, f.stepCount])).toEqual([
      ['GET /orders', 1],
      ['POST /orders', 1],
      ['GET /orders/{order-id}', 1],
      ['GET /health', 1],
    ]);
    expect(res.body.flows[1].steps).toEqual([{ name: 'createOrder', method: 'POST', url: '${api}/orders' }]);
    expect(res.body.flows[0].variables.map((v: { name: string }) => v.name)).toEqual(['api', 'status', 'limit']);
    expect((await flowsOf(team, owner)).total).toBe(0);
  });

  it("imports this service's own /docs-json: every generated flow saves (by operation and by tag)", async () => {
    const spec = (await t.http.get('/docs-json').expect(200)).body;
    const { user: owner, teamId: team } = await ownerWithTeam(t, 'openapi-own');
    const byOperation = await t.http.post(importUrl(team)).set(owner.auth).set('content-type', 'application/json').send(JSON.stringify(spec));
    if (byOperation.status !== 201) throw new Error(JSON.stringify(byOperation.body).slice(0, 3000));
    const operations = Object.values(spec.paths as Record<string, object>).reduce<number>(
      (n, item) => n + Object.keys(item).filter((k) => ['get', 'post', 'put', 'patch', 'delete'].includes(k)).length,
      0,
    );
    expect(byOperation.body.created).toHaveLength(operations);
    expect(byOperation.body.skipped).toEqual([]);
    // One of them, read back: a saved flow with its variables (team id as a path parameter).
    const run = byOperation.body.created.find((f: { name: string }) => f.name === 'POST /api/v1/teams/{teamId}/flows/run');
    const saved = await getFlow(team, run.id, owner);
    expect(saved.variables.map((v: { name: string }) => v.name)).toEqual(['baseUrl', 'teamId']);
    expect(saved.steps[0].config).toMatchObject({ method: 'POST', url: '${baseUrl}/api/v1/teams/${teamId}/flows/run', headers: { 'content-type': 'application/json' } });

    const byTag = await t.http.post(importUrl(team)).set(owner.auth).set('content-type', 'application/json').query({ groupBy: 'tag' }).send(JSON.stringify(spec));
    expect({ status: byTag.status, body: byTag.body }).toMatchObject({ status: 201 });
    expect(byTag.body.created.length).toBeGreaterThan(3);
    expect(byTag.body.created.map((f: { name: string }) => f.name)).toContain('flows');
  });

  it('refuses external $refs, non-OpenAPI documents and viewers, naming what is wrong', async () => {
    const external = (ref: string) =>
      JSON.stringify({
        openapi: '3.0.0',
        info: { title: 'x', version: '1' },
        paths: { '/a': { get: { responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: ref } } } } } } } },
      });
    for (const ref of ['file:///etc/passwd', 'http://127.0.0.1:9/schema.json']) {
      const res = await t.http.post(importUrl()).set(user.auth).set('content-type', 'application/json').send(external(ref)).expect(400);
      expect(res.body.details.problems).toEqual([
        expect.objectContaining({ field: '/document/paths/~1a/get/responses/200/content/application~1json/schema', message: expect.stringContaining(`$ref "${ref}" points outside the document`) }),
      ]);
    }
    const notOpenApi = await t.http.post(importUrl()).set(user.auth).set('content-type', 'application/json').send('{"hello": "world"}').expect(400);
    expect(notOpenApi.body.message).toContain('not an OpenAPI 3.x or Swagger 2.0 document');
    const dangling = await t.http.post(importUrl()).set(user.auth).set('content-type', 'application/json').send(external('#/components/schemas/Nope')).expect(400);
    expect(dangling.body.details.problems[0]).toEqual(expect.objectContaining({ field: '/document', message: expect.stringContaining('Nope') }));
    const noOperations = await t.http.post(importUrl()).set(user.auth).set('content-type', 'application/yaml').send('openapi: 3.0.0\ninfo: {title: t, version: "1"}\npaths: {}\n').expect(400);
    expect(noOperations.body.message).toContain('no operations');
    await t.http.post(importUrl()).set(user.auth).set('content-type', 'application/json').query({ groupBy: 'path' }).send(petsJson).expect(400);
    const empty = await t.http.post(importUrl()).set(user.auth).set('content-type', 'application/yaml').send('').expect(400);
    expect(empty.body.message).toContain('the body is empty');

    const viewer = await registerUser(t, 'openapi-viewer');
    await addMember(t, user, teamId, viewer, 'viewer');
    await t.http.post(importUrl()).set(viewer.auth).set('content-type', 'application/yaml').send(ordersYaml).expect(403);
  });

  it('runs an imported flow against a local target that implements the operation (baseUrl set at run)', async () => {
    const target = await startHttpTarget({
      'POST /v1/pets': (_req, body, res) => {
        const pet = JSON.parse(body) as { id: number; name: string };
        json(res, 201, { id: pet.id, name: pet.name, tag: 'dog' });
      },
    });
    try {
      const { user: owner, teamId: team } = await ownerWithTeam(t, 'openapi-run');
      const res = await t.http.post(importUrl(team)).set(owner.auth).set('content-type', 'application/json').send(petsJson).expect(201);
      const addPet = res.body.created.find((f: { name: string }) => f.name === 'POST /pets');
      const execution = await runFlow(t, owner, team, addPet.id, { variables: [{ name: 'baseUrl', value: `${target.url}/v1` }] });
      const done = await waitForExecution(t, owner, team, execution.id);
      expect(done.status).toBe('COMPLETED');
      expect(done.steps[0].response.status).toBe(201);
      expect(target.hits['POST /v1/pets']).toBe(1);
    } finally {
      await target.close();
    }
  });
});
