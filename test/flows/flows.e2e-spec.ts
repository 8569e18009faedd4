import { API, addMember, ownerWithTeam, registerUser, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';

const http = (name: string, config: Record<string, unknown> = { url: 'http://127.0.0.1:9/x' }, extra: Record<string, unknown> = {}) => ({
  name,
  type: 'http',
  config,
  ...extra,
});
const delay = (name: string, delayMs: unknown = 1) => ({ name, type: 'delay', config: { delayMs } });

describe('flows: CRUD, search and validation', () => {
  let t: TestApp;
  let owner: TestUser;
  let teamId: string;
  const flows = () => `${API}/teams/${teamId}/flows`;

  beforeAll(async () => {
    t = await startTestApp('flows');
    ({ user: owner, teamId } = await ownerWithTeam(t, 'flows'));
  });
  afterAll(() => t.close());

  it('creates, reads, edits and soft-deletes a flow; the name becomes reusable', async () => {
    const created = await t.http
      .post(flows())
      .set(owner.auth)
      .send({
        name: 'Checkout',
        description: 'happy path',
        tags: ['smoke', 'checkout', 'smoke'],
        variables: [{ name: 'baseUrl', type: 'string', default: 'http://127.0.0.1:9' }],
        steps: [http('create', { method: 'POST', url: '${baseUrl}/orders' }), delay('pause')],
      })
      .expect(201);
    expect(created.body).toMatchObject({
      name: 'Checkout',
      description: 'happy path',
      tags: ['smoke', 'checkout'],
      version: 1,
      stepTypes: ['delay', 'http'],
      createdBy: owner.id,
      variables: [{ name: 'baseUrl', type: 'string', default: 'http://127.0.0.1:9', required: false }],
    });
    const [create, pause] = created.body.steps;
    expect(create).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'create',
      type: 'http',
      config: { method: 'POST', url: '${baseUrl}/orders' },
      assertions: [],
      continueOnFailure: false,
      runInBackground: false,
    });
    expect(pause.id).not.toBe(create.id);

    const id = created.body.id;
    expect((await t.http.get(`${flows()}/${id}`).set(owner.auth).expect(200)).body).toEqual(created.body);
    await t.http.post(flows()).set(owner.auth).send({ name: 'Checkout' }).expect(409);

    const edited = await t.http.patch(`${flows()}/${id}`).set(owner.auth).send({ name: 'Checkout v2', tags: ['x'] }).expect(200);
    expect(edited.body).toMatchObject({ name: 'Checkout v2', tags: ['x'], version: 1, description: 'happy path' });

    await t.http.delete(`${flows()}/${id}`).set(owner.auth).expect(204);
    await t.http.get(`${flows()}/${id}`).set(owner.auth).expect(404);
    await t.http.delete(`${flows()}/${id}`).set(owner.auth).expect(404);
    await t.http.patch(`${flows()}/${id}`).set(owner.auth).send({ description: 'x' }).expect(404);
    expect((await t.http.get(flows()).set(owner.auth).query({ q: 'Checkout v2' }).expect(200)).body.total).toBe(0);
    await t.http.post(flows()).set(owner.auth).send({ name: 'Checkout v2' }).expect(201);
    await t.http.get(`${flows()}/not-a-uuid`).set(owner.auth).expect(404);

    // Explicit nulls mean "not given".
    const nulls = await t.http.post(flows()).set(owner.auth).send({ name: 'Nulls', description: null, tags: null, variables: null, steps: null }).expect(201);
    expect(nulls.body).toMatchObject({ description: '', tags: [], variables: [], steps: [], version: 1 });
    const patched = await t.http.patch(`${flows()}/${nulls.body.id}`).set(owner.auth).send({ name: null, tags: null, steps: null, variables: null }).expect(200);
    expect(patched.body).toMatchObject({ name: 'Nulls', tags: [], version: 1 });
  });

  it('searches by name, tag and step type, with pagination and sorting', async () => {
    const { user, teamId: team } = await ownerWithTeam(t, 'search');
    const base = `${API}/teams/${team}/flows`;
    const make = (name: string, tags: string[], steps: object[]) => t.http.post(base).set(user.auth).send({ name, tags, steps }).expect(201);
    await make('Orders: create', ['orders', 'smoke'], [http('a')]);
    await make('Orders: cancel', ['orders'], [delay('a')]);
    await make('Payments 100%_done', ['payments', 'smoke'], [http('a'), delay('b')]);
    await make('Refunds', [], []);

    const names = async (query: Record<string, string | number>) =>
      (await t.http.get(base).set(user.auth).query(query).expect(200)).body.items.map((f: { name: string }) => f.name);
    expect(await names({ q: 'orders', sort: 'name' })).toEqual(['Orders: cancel', 'Orders: create']);
    expect(await names({ q: '%_', sort: 'name' })).toEqual(['Payments 100%_done']);
    expect(await names({ tag: 'smoke', sort: 'name', order: 'desc' })).toEqual(['Payments 100%_done', 'Orders: create']);
    expect(await names({ stepType: 'delay', sort: 'name' })).toEqual(['Orders: cancel', 'Payments 100%_done']);
    expect(await names({ stepType: 'http', tag: 'orders' })).toEqual(['Orders: create']);
    expect(await names({ sort: 'createdAt', order: 'asc' })).toEqual(['Orders: create', 'Orders: cancel', 'Payments 100%_done', 'Refunds']);
    expect(await names({})).toEqual(['Refunds', 'Payments 100%_done', 'Orders: cancel', 'Orders: create']);

    const page2 = await t.http.get(base).set(user.auth).query({ sort: 'name', page: 2, pageSize: 3 }).expect(200);
    expect(page2.body).toMatchObject({ total: 4, page: 2, pageSize: 3, items: [{ name: 'Refunds' }] });
    expect(page2.body.items[0]).not.toHaveProperty('steps');
    const bad = await t.http.get(base).set(user.auth).query({ sort: 'size', pageSize: 1000 }).expect(400);
    expect(bad.body.details.problems.map((p: { field: string }) => p.field).sort()).toEqual(['pageSize', 'sort']);
  });

  it('lets viewers read and validate but not write', async () => {
    const viewer = await registerUser(t, 'viewer');
    await addMember(t, owner, teamId, viewer, 'viewer');
    await t.http.get(flows()).set(viewer.auth).expect(200);
    await t.http.post(`${flows()}/validate`).set(viewer.auth).send({ name: 'x', steps: [delay('a')] }).expect(200, { valid: true, problems: [] });
    await t.http.post(flows()).set(viewer.auth).send({ name: 'x' }).expect(403);
  });

  it('answers 400 with JSON pointers for plugin, reference and shape problems, and writes nothing', async () => {
    const body = {
      name: 'Broken',
      variables: [{ name: 'count', type: 'number', default: 'three' }],
      steps: [
        delay('wait'),
        http('call', { url: 42, method: 'POST', bogus: true }, { timeoutMs: 0 }),
        http('read', { url: '${later.response.body.url}' }),
        http('later', { url: '${nobody}/${guid()}' }),
        { name: 'pigeon', type: 'carrier-pigeon', config: {} },
        { name: 'bad name', type: 'delay', config: { delayMs: 1 } },
      ],
    };
    const res = await t.http.post(flows()).set(owner.auth).send(body).expect(400);
    expect(res.body.code).toBe('VALIDATION');
    const problems: Array<{ pointer: string; field: string; message: string }> = res.body.details.problems;
    for (const p of problems) expect(p.field).toBe(p.pointer);
    const byPointer = Object.fromEntries(problems.map((p) => [p.pointer, p.message]));
    expect(byPointer).toMatchObject({
      '/variables/0/default': 'default must be a number for a number variable',
      '/steps/1/config/url': 'url must be a string',
      '/steps/1/config/bogus': 'property bogus should not exist',
      '/steps/1/timeoutMs': 'timeoutMs must not be less than 1',
      '/steps/2/config/url': expect.stringMatching(/step "later" runs after "read" \(it is step 4, this is step 3\)/),
      '/steps/4/type': expect.stringMatching(/^unknown step type "carrier-pigeon"; registered types: (.+, )?delay, (.+, )?http/),
      '/steps/5/name': expect.stringMatching(/name must start with a letter/),
    });
    expect(problems.filter((p) => p.pointer === '/steps/3/config/url').map((p) => p.message)).toEqual([
      expect.stringMatching(/unknown function "guid"/),
    ]);
    expect(res.body.message).toMatch(/^Flow definition is invalid: /);

    const dryRun = await t.http.post(`${flows()}/validate`).set(owner.auth).send(body).expect(400);
    expect(dryRun.body.details.problems).toEqual(problems);
    expect((await t.http.get(flows()).set(owner.auth).query({ q: 'Broken' }).expect(200)).body.total).toBe(0);

    const missingName = await t.http.post(`${flows()}/validate`).set(owner.auth).send({ steps: [delay('a', -5)] }).expect(400);
    expect(missingName.body.details.problems).toEqual([
      { pointer: '/name', field: '/name', message: 'name must be a string' },
      { pointer: '/steps/0/config/delayMs', field: '/steps/0/config/delayMs', message: 'delayMs must not be less than 0' },
    ]);
    await t.http.post(`${flows()}/validate`).set(owner.auth).send([]).expect(400);
  });

  it('checks resources: they must exist in the team and have the type the step declares', async () => {
    const { user, teamId: team } = await ownerWithTeam(t, 'resources');
    const other = await ownerWithTeam(t, 'other-resources');
    const resource = (who: TestUser, tid: string, name: string, type: string, config: object) =>
      t.http.post(`${API}/teams/${tid}/resources`).set(who.auth).send({ name, type, config }).expect(201);
    const api = (await resource(user, team, 'orders-api', 'http', { baseUrl: 'http://127.0.0.1:9/api' })).body.id;
    const kafka = (await resource(user, team, 'kafka-main', 'kafka', { brokers: ['127.0.0.1:19092'] })).body.id;
    const foreign = (await resource(other.user, other.teamId, 'orders-api', 'http', { baseUrl: 'http://127.0.0.1:9/api' })).body.id;

    const base = `${API}/teams/${team}/flows`;
    const res = await t.http
      .post(base)
      .set(user.auth)
      .send({ name: 'uses resources', steps: [http('ok', { resourceId: api, url: '/a' }), http('wrongType', { resourceId: kafka, url: '/a' }), http('foreign', { resourceId: foreign, url: '/a' })] })
      .expect(400);
    expect(res.body.details.problems).toEqual([
      { pointer: '/steps/1/config/resourceId', field: '/steps/1/config/resourceId', message: `resource ${kafka} is a kafka resource; a http step needs a http resource` },
      { pointer: '/steps/2/config/resourceId', field: '/steps/2/config/resourceId', message: `resource ${foreign} does not exist in this team` },
    ]);

    const flow = await t.http.post(base).set(user.auth).send({ name: 'uses api', steps: [http('ok', { resourceId: api, url: '/a' })] }).expect(201);
    // The resources module asks flows before deleting: a resource in use is refused with the flow's name.
    const refused = await t.http.delete(`${API}/teams/${team}/resources/${api}`).set(user.auth).expect(409);
    expect(refused.body.message).toContain('"uses api"');
    await t.http.delete(`${base}/${flow.body.id}`).set(user.auth).expect(204);
    await t.http.delete(`${API}/teams/${team}/resources/${api}`).set(user.auth).expect(204);
  });

  it('documents the flow endpoints in Swagger with the example flow', async () => {
    const doc = (await t.http.get('/docs-json').expect(200)).body;
    const paths = Object.keys(doc.paths).filter((p) => p.includes('/flows'));
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/v1/teams/{teamId}/flows',
        '/api/v1/teams/{teamId}/flows/validate',
        '/api/v1/teams/{teamId}/flows/export',
        '/api/v1/teams/{teamId}/flows/import',
        '/api/v1/teams/{teamId}/flows/{flowId}',
        '/api/v1/teams/{teamId}/flows/{flowId}/export',
        '/api/v1/teams/{teamId}/flows/{flowId}/versions',
        '/api/v1/teams/{teamId}/flows/{flowId}/versions/{version}',
        '/api/v1/teams/{teamId}/flows/{flowId}/versions/{version}/restore',
        '/api/v1/teams/{teamId}/flows/{flowId}/diff',
      ]),
    );
    const create = doc.paths['/api/v1/teams/{teamId}/flows'].post;
    expect(create.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/FlowDefinitionDto');
    const example = create.requestBody.content['application/json'].examples.kafkaOrderFlow.value;
    expect(example.steps.map((s: { type: string }) => s.type)).toEqual(['kafka-subscribe', 'http', 'sql']);
    expect(doc.components.schemas.FlowDto.properties.steps.items.$ref).toBe('#/components/schemas/StoredStepDto');
    expect(doc.components.schemas.StepDto.properties.retry.allOf ?? doc.components.schemas.StepDto.properties.retry).toBeDefined();
  });
});
