import { FlowsService } from '../../src/flows/flows.service';
import { API, ownerWithTeam, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';

const delay = (name: string, delayMs = 1, extra: Record<string, unknown> = {}) => ({ name, type: 'delay', config: { delayMs }, ...extra });

describe('flow versions', () => {
  let t: TestApp;
  let owner: TestUser;
  let teamId: string;
  const flows = () => `${API}/teams/${teamId}/flows`;

  beforeAll(async () => {
    t = await startTestApp('flow-versions');
    ({ user: owner, teamId } = await ownerWithTeam(t, 'versions'));
  });
  afterAll(() => t.close());

  it('versions steps and variables, not the header; restores and diffs', async () => {
    const v1 = (
      await t.http
        .post(flows())
        .set(owner.auth)
        .send({ name: 'Versioned', variables: [{ name: 'ms', type: 'number', default: 5 }], steps: [delay('first'), delay('second')] })
        .expect(201)
    ).body;
    const id = v1.id;
    const [first, second] = v1.steps;

    // Header only: still version 1.
    const renamed = await t.http.patch(`${flows()}/${id}`).set(owner.auth).send({ name: 'Versioned flow', description: 'd', tags: ['a'] }).expect(200);
    expect(renamed.body.version).toBe(1);

    // The same steps sent back without ids (and variables untouched): nothing to version, ids kept by name.
    const same = await t.http.patch(`${flows()}/${id}`).set(owner.auth).send({ steps: [delay('first'), delay('second')] }).expect(200);
    expect(same.body.version).toBe(1);
    expect(same.body.steps).toEqual(v1.steps);

    // Steps change: version 2; the kept step keeps its id, the new one gets a fresh id.
    const v2 = (
      await t.http
        .patch(`${flows()}/${id}`)
        .set(owner.auth)
        .send({ baseVersion: 1, steps: [{ ...second, config: { delayMs: 50 } }, delay('third'), first] })
        .expect(200)
    ).body;
    expect(v2.version).toBe(2);
    expect(v2.name).toBe('Versioned flow');
    expect(v2.steps.map((s: { id: string }) => s.id)).toEqual([second.id, expect.any(String), first.id]);
    const third = v2.steps[1];
    expect([first.id, second.id]).not.toContain(third.id);

    // An edit based on an old version is refused instead of overwriting.
    const stale = await t.http.patch(`${flows()}/${id}`).set(owner.auth).send({ baseVersion: 1, steps: [] }).expect(409);
    expect(stale.body.details.latestVersion).toBe(2);

    // Variables alone version too.
    const v3 = (await t.http.patch(`${flows()}/${id}`).set(owner.auth).send({ variables: [{ name: 'ms', type: 'number', default: 6 }] }).expect(200)).body;
    expect(v3.version).toBe(3);

    const diff12 = (await t.http.get(`${flows()}/${id}/diff`).set(owner.auth).query({ from: 1, to: 2 }).expect(200)).body;
    expect(diff12).toEqual({
      flowId: id,
      from: 1,
      to: 2,
      identical: false,
      defaultsChanged: false,
      outputsChanged: false,
      steps: {
        added: [{ id: third.id, name: 'third', index: 1 }],
        removed: [],
        changed: [{ id: second.id, name: 'second', fields: ['config'] }],
        moved: [{ id: first.id, name: 'first', fromIndex: 0, toIndex: 2 }],
      },
      variables: { added: [], removed: [], changed: [] },
    });
    const latestDiff = (await t.http.get(`${flows()}/${id}/diff`).set(owner.auth).expect(200)).body;
    expect(latestDiff).toMatchObject({ from: 2, to: 3, variables: { changed: [{ name: 'ms', fields: ['default'] }] } });
    await t.http.get(`${flows()}/${id}/diff`).set(owner.auth).query({ from: 1, to: 9 }).expect(404);

    // Restore v1 → v4 with v1's content, step ids included.
    const v4 = (await t.http.post(`${flows()}/${id}/versions/1/restore`).set(owner.auth).expect(200)).body;
    expect(v4.version).toBe(4);
    expect(v4.steps).toEqual(v1.steps);
    expect(v4.variables).toEqual(v1.variables);
    expect((await t.http.get(`${flows()}/${id}/diff`).set(owner.auth).query({ from: 1, to: 4 }).expect(200)).body.identical).toBe(true);
    // Restoring what is already the latest content changes nothing.
    expect((await t.http.post(`${flows()}/${id}/versions/4/restore`).set(owner.auth).expect(200)).body.version).toBe(4);

    const list = (await t.http.get(`${flows()}/${id}/versions`).set(owner.auth).query({ pageSize: 3 }).expect(200)).body;
    expect(list).toMatchObject({ total: 4, page: 1, pageSize: 3 });
    expect(list.items.map((v: { version: number; restoredFrom: number | null; stepCount: number }) => [v.version, v.restoredFrom, v.stepCount])).toEqual([
      [4, 1, 2],
      [3, null, 3],
      [2, null, 3],
    ]);
    expect(list.items[0].createdBy).toBe(owner.id);

    const old = (await t.http.get(`${flows()}/${id}/versions/2`).set(owner.auth).expect(200)).body;
    expect(old).toMatchObject({ flowId: id, flowName: 'Versioned flow', version: 2, restoredFrom: null, steps: v2.steps, variables: v1.variables });
    await t.http.get(`${flows()}/${id}/versions/5`).set(owner.auth).expect(404);
    await t.http.get(`${flows()}/${id}/versions/0`).set(owner.auth).expect(400);
    await t.http.get(`${flows()}/${id}/versions/abc`).set(owner.auth).expect(400);
  });

  it('gives the engine the pinned or latest version, and 404 for missing, foreign or deleted flows', async () => {
    const service = t.app.get(FlowsService);
    const created = (await t.http.post(flows()).set(owner.auth).send({ name: 'For runs', steps: [delay('a')] }).expect(201)).body;
    await t.http.patch(`${flows()}/${created.id}`).set(owner.auth).send({ steps: [delay('a'), delay('b')] }).expect(200);

    const latest = await service.getVersionForRun(teamId, created.id);
    expect(latest).toEqual({ flowId: created.id, teamId, flowName: 'For runs', version: 2, variables: [], steps: expect.any(Array), outputs: {}, defaults: {} });
    expect(latest.steps.map((s) => s.name)).toEqual(['a', 'b']);
    const pinned = await service.getVersionForRun(teamId, created.id, 1);
    expect(pinned.steps).toEqual(created.steps);

    const other = await ownerWithTeam(t, 'other');
    await expect(service.getVersionForRun(other.teamId, created.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(service.getVersionForRun(teamId, created.id, 3)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(service.getVersionForRun(teamId, 'nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await t.http.delete(`${flows()}/${created.id}`).set(owner.auth).expect(204);
    await expect(service.getVersionForRun(teamId, created.id, 1)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await t.http.get(`${flows()}/${created.id}/versions`).set(owner.auth).expect(404);
  });

  it('validates a restored version against today\'s resources', async () => {
    const api = (
      await t.http.post(`${API}/teams/${teamId}/resources`).set(owner.auth).send({ name: 'temp-api', type: 'http', config: { baseUrl: 'http://127.0.0.1:9' } }).expect(201)
    ).body.id;
    const created = (
      await t.http.post(flows()).set(owner.auth).send({ name: 'Resourceful', steps: [{ name: 'call', type: 'http', config: { resourceId: api, url: '/x' } }] }).expect(201)
    ).body;
    await t.http.patch(`${flows()}/${created.id}`).set(owner.auth).send({ steps: [delay('wait')] }).expect(200);
    await t.http.delete(`${API}/teams/${teamId}/resources/${api}`).set(owner.auth).expect(204);
    const res = await t.http.post(`${flows()}/${created.id}/versions/1/restore`).set(owner.auth).expect(400);
    expect(res.body.details.problems).toEqual([
      { pointer: '/steps/0/config/resourceId', field: '/steps/0/config/resourceId', message: `resource ${api} does not exist in this team` },
    ]);
    expect((await t.http.get(`${flows()}/${created.id}`).set(owner.auth).expect(200)).body.version).toBe(2);
  });
});
