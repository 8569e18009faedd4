import type { Client } from 'pg';
import { createFlow } from '../support/flow-helpers';
import { API, ownerWithTeam, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';
import { connectDb } from './drill-support';
import { type FuzzEndpoint, fuzzEndpoint, newStats, sendRaw } from './fuzz-support';

/**
 * Drill: generated invalid and hostile payloads on the write endpoints of resources, flows (create,
 * validate, import, edit), runs and suites (create, edit, run, schedule, webhooks). Rules in fuzz-support.ts.
 * API mode: runs are queued but not executed, so a payload's only effect is the rows it writes.
 */
describe('drill: input fuzzing — resources, flows, runs, suites', () => {
  let t: TestApp;
  let db: Client;
  let user: TestUser;
  let teamId: string;
  let flowId: string;
  let resourceId: string;
  let suiteId: string;
  let webhookId: string;
  const stats = newStats();
  const RUNS = Number(process.env.FUZZ_RUNS ?? 40);

  const step = (name: string) => ({
    name,
    type: 'http',
    config: { url: 'http://127.0.0.1:9/items/${v}', method: 'POST', headers: { 'x-a': 'b' }, query: { q: 1 }, body: { k: [1, '${v}'] } },
    assertions: [{ path: 'status', operator: 'equals', expected: 200 }],
    timeoutMs: 1000,
    retry: { maxRetries: 1, initialDelayMs: 10 },
  });
  const flowBody = (name: string) => ({
    name,
    description: 'fuzzed',
    tags: ['fuzz'],
    variables: [{ name: 'v', type: 'string', default: 'x' }],
    steps: [step('first'), { name: 'pause', type: 'delay', config: { delayMs: 1 } }],
  });

  beforeAll(async () => {
    t = await startTestApp('drill_fuzz_content', { env: { APP_MODE: 'api' } });
    db = await connectDb(t);
    ({ user, teamId } = await ownerWithTeam(t, 'fuzz'));
    flowId = await createFlow(t, user, teamId, flowBody('target flow'));
    resourceId = (await t.http.post(`${API}/teams/${teamId}/resources`).set(user.auth).send({ name: 'api', type: 'http', config: { baseUrl: 'http://127.0.0.1:9' } }).expect(201)).body.id;
    suiteId = (await t.http.post(`${API}/teams/${teamId}/suites`).set(user.auth).send({ name: 'target suite', entries: [{ flowId }] }).expect(201)).body.id;
    webhookId = (await t.http.post(`${API}/teams/${teamId}/suites/${suiteId}/webhooks`).set(user.auth)
      .send({ name: 'hook', url: 'http://127.0.0.1:9/hook', secret: '0123456789abcdef0123', enabled: false }).expect(201)).body.id;
  });
  afterAll(async () => {
    console.log(`content fuzzing: ${stats.requests} requests, by status ${JSON.stringify(stats.byStatus)}; known issues hit ${JSON.stringify(stats.known)}`);
    await db?.end();
    await t?.close();
  });

  const endpoints = (): FuzzEndpoint[] => {
    const team = `${API}/teams/${teamId}`;
    const h = user.auth;
    const flowFields = {
      name: { type: 'string', required: true, maxLength: 120 },
      description: { type: 'string', maxLength: 2000 },
      tags: { type: 'array' },
      variables: { type: 'array' },
      steps: { type: 'array' },
    } as const;
    return [
      {
        name: 'POST /resources', method: 'post', path: `${team}/resources`, headers: h, runs: RUNS,
        valid: { name: 'fuzz-http', type: 'http', description: 'd', labels: { env: 'test' }, group: 'g', config: { baseUrl: 'http://127.0.0.1:9', headers: { 'x-a': 'b' }, auth: { type: 'bearer', token: 'secret-token' } } },
        fields: { name: { type: 'string', required: true }, type: { type: 'string', required: true }, description: { type: 'string', maxLength: 1000 }, labels: { type: 'object' }, group: { type: 'string', maxLength: 120 }, namespace: { type: 'string', maxLength: 120 }, config: { type: 'object', required: true } },
      },
      {
        name: 'PATCH /resources/:id', method: 'patch', path: `${team}/resources/${resourceId}`, headers: h, runs: RUNS,
        valid: { description: 'changed', config: { baseUrl: 'http://127.0.0.1:9/v2' } },
        fields: { name: { type: 'string' }, type: { type: 'string' }, description: { type: 'string', maxLength: 1000 }, labels: { type: 'object' }, group: { type: 'string', maxLength: 120 }, namespace: { type: 'string', maxLength: 120 }, config: { type: 'object' } },
      },
      {
        name: 'POST /resources/test', method: 'post', path: `${team}/resources/test`, headers: h, runs: RUNS,
        valid: { type: 'http', config: { baseUrl: 'http://127.0.0.1:9' } },
        fields: { type: { type: 'string', required: true }, config: { type: 'object', required: true } },
      },
      { name: 'POST /flows', method: 'post', path: `${team}/flows`, headers: h, runs: RUNS, valid: flowBody('fuzz flow'), fields: flowFields },
      { name: 'POST /flows/validate', method: 'post', path: `${team}/flows/validate`, headers: h, runs: RUNS, valid: flowBody('fuzz flow'), fields: flowFields },
      {
        name: 'PATCH /flows/:id', method: 'patch', path: `${team}/flows/${flowId}`, headers: h, runs: RUNS,
        valid: { description: 'changed', steps: [step('first')] },
        fields: { ...flowFields, name: { type: 'string', maxLength: 120 }, baseVersion: { type: 'int' } },
      },
      {
        name: 'POST /flows/import', method: 'post', path: `${team}/flows/import`, headers: h, runs: RUNS,
        valid: { format: 'ats.flows', formatVersion: 1, flows: [flowBody('imported flow')] },
        fields: { format: { type: 'string', required: true }, formatVersion: { type: 'int', required: true }, flows: { type: 'array', required: true } },
      },
      {
        name: 'POST /flows/run', method: 'post', path: `${team}/flows/run`, headers: h, runs: RUNS,
        valid: { flowId, version: 1, variables: [{ name: 'v', value: 'y' }], parameters: { timeoutMs: 60000, initialDelay: 0 } },
        fields: { flowId: { type: 'string', required: true }, version: { type: 'int' }, variables: { type: 'array' }, parameters: { type: 'object' } },
      },
      {
        name: 'POST /suites', method: 'post', path: `${team}/suites`, headers: h, runs: RUNS,
        valid: { name: 'fuzz suite', description: 'd', entries: [{ flowId, variables: [{ name: 'v', value: 'z' }] }], variables: [{ name: 'v', value: 'w' }], mode: 'parallel', failFast: false, maxParallel: 2, enabled: true, tags: ['t'] },
        fields: { name: { type: 'string', required: true, maxLength: 120 }, description: { type: 'string', maxLength: 2000 }, entries: { type: 'array', required: true }, variables: { type: 'array' }, mode: { type: 'string' }, failFast: { type: 'bool' }, maxParallel: { type: 'int' }, enabled: { type: 'bool' }, tags: { type: 'array' } },
      },
      {
        name: 'PATCH /suites/:id', method: 'patch', path: `${team}/suites/${suiteId}`, headers: h, runs: RUNS,
        valid: { description: 'changed', maxParallel: 3 },
        fields: { name: { type: 'string', maxLength: 120 }, description: { type: 'string', maxLength: 2000 }, entries: { type: 'array' }, variables: { type: 'array' }, mode: { type: 'string' }, failFast: { type: 'bool' }, maxParallel: { type: 'int' }, enabled: { type: 'bool' }, tags: { type: 'array' } },
      },
      {
        name: 'POST /suites/:id/run', method: 'post', path: `${team}/suites/${suiteId}/run`, headers: h, runs: RUNS,
        valid: { variables: [{ name: 'v', value: 'run' }] }, fields: { variables: { type: 'array' } },
      },
      {
        name: 'PUT /suites/:id/schedule', method: 'put', path: `${team}/suites/${suiteId}/schedule`, headers: h, runs: RUNS,
        valid: { cron: '0 6 * * 1-5', timezone: 'Europe/Berlin', enabled: false },
        fields: { cron: { type: 'string', required: true, maxLength: 120 }, timezone: { type: 'string', maxLength: 64 }, enabled: { type: 'bool' } },
      },
      {
        name: 'POST /suites/:id/webhooks', method: 'post', path: `${team}/suites/${suiteId}/webhooks`, headers: h, runs: RUNS,
        valid: { name: 'hook2', url: 'http://127.0.0.1:9/hook', notifyOn: 'always', format: 'json', secret: '0123456789abcdef0123', enabled: false },
        fields: { name: { type: 'string', required: true, maxLength: 120 }, url: { type: 'string', required: true, maxLength: 2000 }, notifyOn: { type: 'string' }, format: { type: 'string' }, secret: { type: 'string', required: true, maxLength: 256 }, enabled: { type: 'bool' } },
      },
      {
        name: 'PATCH /suites/:id/webhooks/:id', method: 'patch', path: `${team}/suites/${suiteId}/webhooks/${webhookId}`, headers: h, runs: RUNS,
        valid: { name: 'renamed hook', enabled: false },
        fields: { name: { type: 'string', maxLength: 120 }, url: { type: 'string', maxLength: 2000 }, notifyOn: { type: 'string' }, format: { type: 'string' }, secret: { type: 'string', maxLength: 256 }, enabled: { type: 'bool' } },
      },
    ];
  };

  it('never answers 5xx, never leaves a partial record, and names the field of every 400', async () => {
    for (const ep of endpoints()) await fuzzEndpoint(t, db, ep, stats);
    expect(stats.problems).toEqual([]);
  }, 120_000);

  describe('known issues', () => {
    it('a "constructor" key inside a step config is a 400 (or accepted), not a 500', async () => {
      const body = JSON.stringify(flowBody('ctor flow')).replace('"method":"POST"', '"method":"POST","constructor":1');
      const res = await sendRaw(t, 'post', `${API}/teams/${teamId}/flows`, user.auth, body);
      expect(res.status).toBeLessThan(500);
      // The config's own keys are the plugin's DTO: "constructor" is an unknown field there.
      expect(res.status).toBe(400);
      expect(res.body.details.problems).toContainEqual(expect.objectContaining({ field: '/steps/0/config/constructor', message: 'property constructor should not exist' }));
    });
    it('prototype-named keys inside a free-form part of a step config are kept as data', async () => {
      const body = JSON.stringify(flowBody('ctor data flow')).replace('"body":{', '"body":{"constructor":{"toString":"t"},"__proto__":{"valueOf":1},');
      const res = await sendRaw(t, 'post', `${API}/teams/${teamId}/flows`, user.auth, body);
      expect(res.status).toBe(201);
      const stored = await t.http.get(`${API}/teams/${teamId}/flows/${res.body.id}`).set(user.auth).expect(200);
      const entries = Object.entries(stored.body.steps[0].config.body as object).sort(([a], [b]) => (a < b ? -1 : 1)); // jsonb reorders keys
      expect(entries).toEqual([['__proto__', { valueOf: 1 }], ['constructor', { toString: 't' }], ['k', [1, '${v}']]]);
    });
    it('null for an optional field of a PATCH is a 400 naming the field, refused by the DTO', async () => {
      for (const [path, body, field] of [
        [`${API}/teams/${teamId}/suites/${suiteId}`, '{"maxParallel":null}', 'maxParallel'],
        [`${API}/teams/${teamId}/suites/${suiteId}/webhooks/${webhookId}`, '{"enabled":null}', 'enabled'],
      ]) {
        const res = await sendRaw(t, 'patch', path, user.auth, body);
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ details: { problems: expect.any(Array) } });
        expect([...new Set(res.body.details.problems.map((p: { field: string }) => p.field))]).toEqual([field]);
      }
    });
    it('a NUL character inside a flow step config is a 400, not a 500', async () => {
      const res = await sendRaw(t, 'post', `${API}/teams/${teamId}/flows`, user.auth, JSON.stringify({ ...flowBody('nul flow'), description: 'nul\u0000' }));
      expect(res.status).toBe(400);
      expect(res.body.details.problems).toEqual([{ field: 'description', message: 'text must not contain the NUL character (U+0000)' }]);
    });
    it('a NUL character deep inside a step config is a 400 naming that field', async () => {
      const body = JSON.stringify(flowBody('nul in config')).replace('"method":"POST"', '"method":"PO\\u0000ST"');
      const res = await sendRaw(t, 'post', `${API}/teams/${teamId}/flows`, user.auth, body);
      expect(res.status).toBe(400);
      expect(res.body.details.problems).toEqual([{ field: 'steps.0.config.method', message: 'text must not contain the NUL character (U+0000)' }]);
    });
    it('deep nesting inside a flow step config is a 400, not a 500', async () => {
      const body = JSON.stringify(flowBody('deep flow')).replace('"k":[1,', `"k":[${'['.repeat(5000)}${']'.repeat(5000)},`);
      const res = await sendRaw(t, 'post', `${API}/teams/${teamId}/flows`, user.auth, body);
      expect(res.status).toBe(400);
    });
  });
});
