import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { API, ownerWithTeam, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';

interface Team {
  user: TestUser;
  teamId: string;
}

describe('flow import/export', () => {
  let t: TestApp;
  let source: Team;
  let sourceApi: string;

  const flowsOf = (team: Team) => `${API}/teams/${team.teamId}/flows`;
  const createResource = async (team: Team, name: string) =>
    (await t.http.post(`${API}/teams/${team.teamId}/resources`).set(team.user.auth).send({ name, type: 'http', config: { baseUrl: 'http://127.0.0.1:9/api' } }).expect(201))
      .body.id as string;
  const flowNames = async (team: Team) =>
    (await t.http.get(flowsOf(team)).set(team.user.auth).query({ sort: 'name' }).expect(200)).body.items.map((f: { name: string }) => f.name);

  beforeAll(async () => {
    t = await startTestApp('flow-exchange');
    source = await ownerWithTeam(t, 'source');
    sourceApi = await createResource(source, 'orders-api');
    await t.http
      .post(flowsOf(source))
      .set(source.user.auth)
      .send({
        name: 'Create order',
        description: 'POST then wait',
        tags: ['orders', 'smoke'],
        variables: [
          { name: 'sku', type: 'string', default: 'A-1', required: true, description: 'what to order' },
          { name: 'payload', type: 'json', default: { qty: 2 } },
        ],
        steps: [
          {
            name: 'create',
            type: 'http',
            config: { resourceId: sourceApi, method: 'POST', url: '/orders', body: { sku: '${sku}', extra: '${payload}' } },
            assertions: [{ path: 'status', operator: 'equals', expected: 201 }],
            timeoutMs: 5000,
            retry: { maxRetries: 1, initialDelayMs: 10 },
          },
          { name: 'pause', type: 'delay', config: { delayMs: 1 }, runInBackground: true },
          {
            name: 'check',
            type: 'http',
            config: { resourceId: sourceApi, url: '/orders/${create.response.body.id}' },
            assertions: [{ path: 'body.sku', operator: 'equals', expected: '${sku}' }],
            continueOnFailure: true,
          },
        ],
      })
      .expect(201);
    await t.http.post(flowsOf(source)).set(source.user.auth).send({ name: 'Just wait', steps: [{ name: 'w', type: 'delay', config: { delayMs: 1 } }] }).expect(201);
  });
  afterAll(() => t.close());

  it('exports with resource names and imports into another team with identical definitions', async () => {
    const exported = (await t.http.get(`${flowsOf(source)}/export`).set(source.user.auth).expect(200)).body;
    expect(exported).toMatchObject({ format: 'ats.flows', formatVersion: 1, exportedAt: expect.any(String) });
    expect(exported.flows.map((f: { name: string }) => f.name)).toEqual(['Create order', 'Just wait']);
    const [create, , check] = exported.flows[0].steps;
    expect(create.resource).toBe('orders-api');
    expect(create.config).not.toHaveProperty('resourceId');
    expect(check.resource).toBe('orders-api');
    expect(JSON.stringify(exported)).not.toContain(sourceApi);
    expect(Object.keys(exported.flows[0])).toEqual(['name', 'description', 'tags', 'variables', 'steps', 'outputs']);

    const target = await ownerWithTeam(t, 'target');
    const targetApi = await createResource(target, 'orders-api');
    const imported = await t.http.post(`${flowsOf(target)}/import`).set(target.user.auth).send(exported).expect(201);
    expect(imported.body).toEqual({
      imported: [
        { id: expect.any(String), name: 'Create order', version: 1 },
        { id: expect.any(String), name: 'Just wait', version: 1 },
      ],
      skipped: [],
    });

    const reexported = (await t.http.get(`${flowsOf(target)}/export`).set(target.user.auth).expect(200)).body;
    expect(reexported.flows).toEqual(exported.flows);
    const stored = (await t.http.get(`${flowsOf(target)}/${imported.body.imported[0].id}`).set(target.user.auth).expect(200)).body;
    expect(stored.steps[0].config.resourceId).toBe(targetApi);
    expect(stored).toMatchObject({ description: 'POST then wait', tags: ['orders', 'smoke'], stepTypes: ['delay', 'http'] });
  });

  it('exports one flow, a selection, and YAML', async () => {
    const all = (await t.http.get(flowsOf(source)).set(source.user.auth).query({ sort: 'name' }).expect(200)).body.items;
    const one = (await t.http.get(`${flowsOf(source)}/${all[1].id}/export`).set(source.user.auth).expect(200)).body;
    expect(one.flows.map((f: { name: string }) => f.name)).toEqual(['Just wait']);
    const selected = (await t.http.get(`${flowsOf(source)}/export`).set(source.user.auth).query({ ids: `${all[1].id},${all[0].id}` }).expect(200)).body;
    expect(selected.flows).toHaveLength(2);
    expect((await t.http.get(`${flowsOf(source)}/export?ids=`).set(source.user.auth).expect(200)).body.flows).toHaveLength(2);

    const yaml = await t.http.get(`${flowsOf(source)}/export`).set(source.user.auth).query({ format: 'yaml', ids: all[0].id }).expect(200);
    expect(yaml.headers['content-type']).toMatch(/^application\/yaml/);
    const parsed = parseYaml(yaml.text);
    expect(parsed.flows[0].steps[0].resource).toBe('orders-api');

    const stranger = await ownerWithTeam(t, 'stranger');
    await t.http.get(`${flowsOf(stranger)}/${all[0].id}/export`).set(stranger.user.auth).expect(404);
    await t.http.get(`${flowsOf(stranger)}/export`).set(stranger.user.auth).query({ ids: all[0].id }).expect(404);
    await t.http.get(`${flowsOf(source)}/export`).set(source.user.auth).query({ ids: 'not-a-uuid' }).expect(400);
    expect((await t.http.get(`${flowsOf(stranger)}/export`).set(stranger.user.auth).expect(200)).body.flows).toEqual([]);
  });

  it('imports YAML sent as application/yaml or text/yaml', async () => {
    const exported = (await t.http.get(`${flowsOf(source)}/export`).set(source.user.auth).query({ format: 'yaml' }).expect(200)).text;
    const target = await ownerWithTeam(t, 'yaml');
    await createResource(target, 'orders-api');
    const res = await t.http.post(`${flowsOf(target)}/import`).set(target.user.auth).set('Content-Type', 'application/yaml').send(exported).expect(201);
    expect(res.body.imported.map((f: { name: string }) => f.name)).toEqual(['Create order', 'Just wait']);

    const handWritten = toYaml({
      format: 'ats.flows',
      formatVersion: 1,
      flows: [{ name: 'From YAML', steps: [{ name: 'call', type: 'http', resource: 'orders-api', config: { url: '/ping' } }] }],
    });
    await t.http.post(`${flowsOf(target)}/import`).set(target.user.auth).set('Content-Type', 'text/yaml').send(handWritten).expect(201);
    expect(await flowNames(target)).toEqual(['Create order', 'From YAML', 'Just wait']);

    const broken = await t.http.post(`${flowsOf(target)}/import`).set(target.user.auth).set('Content-Type', 'application/yaml').send('flows: [').expect(400);
    expect(broken.body.details.problems[0]).toMatchObject({ pointer: '', message: expect.stringMatching(/^invalid YAML/) });
  });

  it('imports nothing when any flow has a problem, and reports every problem per flow', async () => {
    const target = await ownerWithTeam(t, 'atomic');
    await t.http.post(flowsOf(target)).set(target.user.auth).send({ name: 'Existing' }).expect(201);
    const document = {
      format: 'ats.flows',
      formatVersion: 1,
      flows: [
        { name: 'Fine', steps: [{ name: 'w', type: 'delay', config: { delayMs: 1 } }] },
        {
          name: 'Broken',
          steps: [
            { name: 'call', type: 'http', resource: 'no-such-resource', config: { url: '/x' } },
            { name: 'w', type: 'delay', config: { delayMs: '${nope}' } },
          ],
        },
        { name: 'Existing', steps: [] },
        { name: 'Fine', steps: [] },
      ],
    };
    const res = await t.http.post(`${flowsOf(target)}/import`).set(target.user.auth).send(document).expect(400);
    expect(res.body.message).toMatch(/nothing was imported: 3 of 4 flow\(s\) have problems/);
    const pointers = res.body.details.problems.map((p: { pointer: string }) => p.pointer);
    expect(pointers).toEqual(['/flows/1/steps/0/resource', '/flows/1/steps/1/config/delayMs', '/flows/2/name', '/flows/3/name']);
    for (const p of res.body.details.problems) expect(p.field).toBe(p.pointer);
    expect(res.body.details.flows.map((f: { index: number; name: string; problems: unknown[] }) => [f.index, f.name, f.problems.length])).toEqual([
      [1, 'Broken', 2],
      [2, 'Existing', 1],
      [3, 'Fine', 1],
    ]);
    expect(res.body.details.problems[0].message).toBe('no resource named "no-such-resource" in this team; create it first or change the name');
    expect(await flowNames(target)).toEqual(['Existing']);

    // With onConflict=skip the existing name is left alone and the rest goes in.
    const fixed = { ...document, flows: [document.flows[0], document.flows[2]] };
    const skipped = await t.http.post(`${flowsOf(target)}/import`).set(target.user.auth).query({ onConflict: 'skip' }).send(fixed).expect(201);
    expect(skipped.body).toMatchObject({ imported: [{ name: 'Fine' }], skipped: [{ name: 'Existing' }] });
    expect(await flowNames(target)).toEqual(['Existing', 'Fine']);
    await t.http.post(`${flowsOf(target)}/import`).set(target.user.auth).query({ onConflict: 'merge' }).send(fixed).expect(400);
  });

  it('checks the document envelope', async () => {
    const res = await t.http.post(`${flowsOf(source)}/import`).set(source.user.auth).send({ format: 'other', formatVersion: 2, flows: {} }).expect(400);
    expect(res.body.details.problems.map((p: { pointer: string }) => p.pointer)).toEqual(['/format', '/formatVersion', '/flows']);
    await t.http.post(`${flowsOf(source)}/import`).set(source.user.auth).set('Content-Type', 'text/plain').send('hello').expect(400);
  });
});
