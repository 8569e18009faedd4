import { Client } from 'pg';
import { createFlow, noRetry, waitForExecution } from '../support/flow-helpers';
import { json, startHttpTarget } from '../support/http-target';
import { addMember, API, ownerWithTeam, registerUser, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';
import { createSuite, waitForSuiteRun } from '../suites/suite-helpers';
import { signWebhookBody } from '../../src/suites/notifications/webhook-signature';
import { ALERTMANAGER_EXAMPLE } from '../../src/triggers/parsers/examples/documented-payloads';

describe('inbound alert triggers: Alertmanager → suite with variables, dedup, HMAC, refusals, delivery log', () => {
  let t: TestApp;
  let owner: TestUser;
  let teamId: string;
  let target: Awaited<ReturnType<typeof startHttpTarget>>;
  const seen: string[] = [];
  let flowId: string;
  let suiteId: string;
  let trigger: { id: string; url: string; secret: string };
  let generic: { id: string; url: string; secret: string };

  const triggersOf = (team: string) => `${API}/teams/${team}/triggers`;
  const countRuns = async (sql: string, params: unknown[]): Promise<number> => {
    const db = new Client({ connectionString: t.config.DATABASE_URL });
    await db.connect();
    try {
      return Number((await db.query(sql, params)).rows[0].n);
    } finally {
      await db.end();
    }
  };

  beforeAll(async () => {
    t = await startTestApp('triggers');
    ({ user: owner, teamId } = await ownerWithTeam(t, 'alerts'));
    target = await startHttpTarget({
      'GET /probe': (req, _body, res) => {
        seen.push(new URL(req.url!, 'http://x').searchParams.get('service') ?? '');
        json(res, 200, { ok: true });
      },
    });
    flowId = await createFlow(t, owner, teamId, {
      name: 'probe service',
      variables: [{ name: 'service', type: 'string', default: 'unset' }],
      steps: [noRetry({ name: 'probe', type: 'http', config: { url: `${target.url}/probe?service=\${service}` }, assertions: [{ path: 'status', operator: 'equals', expected: 200 }] })],
    });
    suiteId = (await createSuite(t, owner, teamId, { name: 'checkout smoke', entries: [{ flowId }] })).id;
  });
  afterAll(async () => {
    await t.close();
    await target.close();
  });

  it('creates a trigger: url and secret once, the secret sealed and never returned again', async () => {
    const res = await t.http
      .post(triggersOf(teamId))
      .set(owner.auth)
      .send({ name: 'prod alertmanager', source: 'alertmanager', dedupWindowSec: 600, rules: [{ match: { labels: { service: 'checkout' } }, run: { suiteId, variables: { service: '${alert.labels.service}' } } }] })
      .expect(201);
    trigger = res.body;
    expect(res.body).toMatchObject({ source: 'alertmanager', dedupWindowSec: 600, url: `/api/v1/hooks/${res.body.id}`, rules: [{ status: 'firing' }] });
    expect(res.body.secret).toMatch(/^atsh_/);
    const again = await t.http.get(`${triggersOf(teamId)}/${trigger.id}`).set(owner.auth).expect(200);
    expect(again.body.secret).toBeUndefined();
    expect(JSON.stringify((await t.http.get(triggersOf(teamId)).set(owner.auth).expect(200)).body)).not.toContain(trigger.secret);
    const stored = await countRuns('SELECT count(*) AS n FROM triggers WHERE id = $1 AND secret_ciphertext NOT LIKE $2', [trigger.id, `%${trigger.secret}%`]);
    expect(stored).toBe(1);
  });

  it('refuses a rule whose flow or suite is not in the team, naming the rule', async () => {
    const other = await ownerWithTeam(t, 'elsewhere');
    const foreignFlow = await createFlow(t, other.user, other.teamId, { name: 'foreign', steps: [noRetry({ name: 'x', type: 'http', config: { url: `${target.url}/probe` } })] });
    const res = await t.http
      .post(triggersOf(teamId))
      .set(owner.auth)
      .send({ name: 'bad', source: 'generic', rules: [{ match: { labels: {} }, run: { suiteId } }, { match: { labels: {} }, run: { flowId: foreignFlow } }, { match: { labels: {} }, run: {} }] })
      .expect(400);
    expect(res.body.details.problems).toEqual([
      { field: 'rules[1].run.flowId', message: `flow ${foreignFlow} not found in this team` },
      { field: 'rules[2].run', message: 'must name exactly one of flowId and suiteId' },
    ]);
  });

  it('the documented Alertmanager payload with the Bearer secret starts the mapped suite once, with the alert label as variable', async () => {
    const res = await t.http.post(trigger.url).set('Authorization', `Bearer ${trigger.secret}`).send(ALERTMANAGER_EXAMPLE).expect(202);
    expect(res.body.started).toHaveLength(1);
    const { suiteRunId } = res.body.started[0];
    const run = await waitForSuiteRun(t, owner, teamId, suiteRunId);
    expect(run).toMatchObject({ status: 'COMPLETED', trigger: 'alert', alertDeliveryId: res.body.deliveryId });
    const execution = await waitForExecution(t, owner, teamId, run.items[0].executionId);
    expect(execution.variables).toEqual({ service: 'checkout' });
    expect(seen).toEqual(['checkout']);

    const duplicate = await t.http.post(trigger.url).set('Authorization', `Bearer ${trigger.secret}`).send(ALERTMANAGER_EXAMPLE).expect(202);
    expect(duplicate.body.started).toEqual([]);
    expect(await countRuns(`SELECT count(*) AS n FROM suite_runs WHERE team_id = $1 AND trigger = 'alert'`, [teamId])).toBe(1);
  });

  it('an HMAC-signed generic payload starts the flow with trigger "alert" and the delivery id', async () => {
    const created = await t.http
      .post(triggersOf(teamId))
      .set(owner.auth)
      .send({ name: 'generic', source: 'generic', rules: [{ match: { labels: { service: 'cart' } }, run: { flowId, variables: { service: '${alert.labels.service}' } } }] })
      .expect(201);
    generic = created.body;
    const body = JSON.stringify({ labels: { service: 'cart' }, status: 'firing' });
    const res = await t.http.post(generic.url).set('Content-Type', 'application/json').set('X-ATS-Signature', signWebhookBody(generic.secret, body)).send(body).expect(202);
    const execution = await waitForExecution(t, owner, teamId, res.body.started[0].executionId);
    expect(execution).toMatchObject({ status: 'COMPLETED', trigger: 'alert', flowId, variables: { service: 'cart' }, parameters: { alertDeliveryId: res.body.deliveryId } });
  });

  it('a bad signature, a wrong secret and an unknown trigger get the same 401 and start nothing', async () => {
    const before = await countRuns('SELECT count(*) AS n FROM executions WHERE team_id = $1', [teamId]);
    const body = JSON.stringify({ labels: { service: 'cart' } });
    const badSig = await t.http.post(generic.url).set('Content-Type', 'application/json').set('X-ATS-Signature', signWebhookBody('not-the-secret', body)).send(body).expect(401);
    const stale = signWebhookBody(generic.secret, body, Math.floor(Date.now() / 1000) - 3600);
    await t.http.post(generic.url).set('Content-Type', 'application/json').set('X-ATS-Signature', stale).send(body).expect(401);
    const wrongBearer = await t.http.post(generic.url).set('Authorization', `Bearer ${trigger.secret}`).send(body).expect(401);
    const unknown = await t.http.post(`${API}/hooks/00000000-0000-4000-8000-000000000000`).set('Authorization', `Bearer ${generic.secret}`).send(body).expect(401);
    const notUuid = await t.http.post(`${API}/hooks/nope`).send(body).expect(401);
    for (const res of [wrongBearer, unknown, notUuid]) expect({ code: res.body.code, message: res.body.message }).toEqual({ code: badSig.body.code, message: badSig.body.message });
    expect(await countRuns('SELECT count(*) AS n FROM executions WHERE team_id = $1', [teamId])).toBe(before);
  });

  it('a malformed payload is a 400 naming the field, recorded in the delivery log', async () => {
    const res = await t.http.post(trigger.url).set('Authorization', `Bearer ${trigger.secret}`).send({ version: '4', status: 'firing', alerts: [{ status: 'on fire', labels: {} }] }).expect(400);
    expect(res.body.details.problems[0].field).toBe('alerts[0].status');
  });

  it('the delivery log shows what each call started or why not', async () => {
    const noMatch = { ...ALERTMANAGER_EXAMPLE, alerts: [{ ...ALERTMANAGER_EXAMPLE.alerts[0], fingerprint: 'other', labels: { service: 'search' } }] };
    await t.http.post(trigger.url).set('Authorization', `Bearer ${trigger.secret}`).send(noMatch).expect(202);
    const res = await t.http.get(`${triggersOf(teamId)}/${trigger.id}/deliveries`).set(owner.auth).expect(200);
    expect(res.body.total).toBe(4);
    const [latest, malformed, duplicate, first] = res.body.items;
    expect(latest).toMatchObject({ source: 'alertmanager', alertsCount: 1, outcomes: [{ fingerprint: 'other', rule: null, skipped: 'no-rule-matched' }] });
    expect(malformed).toMatchObject({ alertsCount: 0, error: expect.stringContaining('alerts[0].status') });
    expect(duplicate.outcomes).toEqual([{ fingerprint: 'a1b2c3d4e5f60718', status: 'firing', rule: 0, skipped: 'deduplicated', detail: 'already started within 600 s' }]);
    expect(first.outcomes).toEqual([{ fingerprint: 'a1b2c3d4e5f60718', status: 'firing', rule: 0, started: { suiteRunId: expect.any(String) } }]);
  });

  it('a viewer reads but cannot create; another team sees 404', async () => {
    const viewer = await registerUser(t, 'viewer');
    await addMember(t, owner, teamId, viewer, 'viewer');
    await t.http.get(`${triggersOf(teamId)}/${trigger.id}`).set(viewer.auth).expect(200);
    await t.http.post(triggersOf(teamId)).set(viewer.auth).send({ name: 'v', source: 'generic', rules: [] }).expect(403);
    await t.http.post(`${triggersOf(teamId)}/${trigger.id}/rotate-secret`).set(viewer.auth).expect(403);
    const stranger = await ownerWithTeam(t, 'stranger');
    await t.http.get(`${triggersOf(stranger.teamId)}/${trigger.id}`).set(stranger.user.auth).expect(404);
    await t.http.get(`${triggersOf(stranger.teamId)}/${trigger.id}/deliveries`).set(stranger.user.auth).expect(404);
    await t.http.delete(`${triggersOf(stranger.teamId)}/${trigger.id}`).set(stranger.user.auth).expect(404);
  });

  it('rotating the secret retires the old one at once', async () => {
    const rotated = await t.http.post(`${triggersOf(teamId)}/${generic.id}/rotate-secret`).set(owner.auth).expect(200);
    expect(rotated.body.secret).not.toBe(generic.secret);
    const body = { labels: { service: 'none' } };
    await t.http.post(generic.url).set('Authorization', `Bearer ${generic.secret}`).send(body).expect(401);
    await t.http.post(generic.url).set('Authorization', `Bearer ${rotated.body.secret}`).send(body).expect(202);
  });
});
