import { createHmac } from 'node:crypto';
import type http from 'node:http';
import { Client } from 'pg';
import { createFlow, noRetry } from '../support/flow-helpers';
import { json, startHttpTarget } from '../support/http-target';
import { API, ownerWithTeam, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';
import { createSuite, runSuite, waitForSuiteRun } from './suite-helpers';
import { verifyWebhookSignature } from '../../src/suites/notifications/webhook-signature';
import { parsePrometheusText, sampleValue } from '../support/prometheus-text';

interface Received {
  route: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  status: number;
}

async function until<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 15000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('suite webhooks: signed, retried with backoff, Slack format, delivery log', () => {
  let t: TestApp;
  let user: TestUser;
  let teamId: string;
  let receiver: Awaited<ReturnType<typeof startHttpTarget>>;
  const received: Received[] = [];
  let flakyCalls = 0;
  let okFlow: string;
  let failFlow: string;
  const SECRET = 'whsec-e2e-0123456789abcdef';

  const record = (route: string, status: number) => (req: http.IncomingMessage, body: string, res: http.ServerResponse) => {
    received.push({ route, headers: req.headers, body, status });
    json(res, status, { received: true });
  };

  beforeAll(async () => {
    t = await startTestApp('suite-webhooks', { env: { WEBHOOK_BACKOFF_MS: '300', WEBHOOK_MAX_ATTEMPTS: '3' } });
    ({ user, teamId } = await ownerWithTeam(t, 'webhooks'));
    receiver = await startHttpTarget({
      'POST /flaky': (req, body, res) => record('/flaky', ++flakyCalls === 1 ? 500 : 200)(req, body, res),
      'POST /slack': record('/slack', 200),
      'POST /on-failure': record('/on-failure', 200),
      'POST /on-change': record('/on-change', 200),
      'POST /always': record('/always', 200),
      'POST /down': record('/down', 503),
      'GET /ok': (_req, _b, res) => json(res, 200, {}),
      'GET /fail': (_req, _b, res) => json(res, 500, {}),
    });
    const step = (path: string) => noRetry({ name: 'call', type: 'http', config: { url: `${receiver.url}${path}` }, assertions: [{ path: 'status', operator: 'equals', expected: 200 }] });
    okFlow = await createFlow(t, user, teamId, { name: 'ok', steps: [step('/ok')] });
    failFlow = await createFlow(t, user, teamId, { name: 'broken checkout', steps: [step('/fail')] });
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  const hooksOf = (suiteId: string) => `${API}/teams/${teamId}/suites/${suiteId}/webhooks`;

  it('stores the secret encrypted and never returns it', async () => {
    const suite = await createSuite(t, user, teamId, { name: 'secret keeping', entries: [{ flowId: okFlow }] });
    const created = await t.http.post(hooksOf(suite.id)).set(user.auth).send({ name: 'ci', url: `${receiver.url}/always`, secret: SECRET }).expect(201);
    expect(created.body).toMatchObject({ name: 'ci', notifyOn: 'always', format: 'json', enabled: true, secretSet: true });
    expect(JSON.stringify(created.body)).not.toContain(SECRET);
    const listed = await t.http.get(hooksOf(suite.id)).set(user.auth).expect(200);
    expect(JSON.stringify(listed.body)).not.toContain(SECRET);
    const db = new Client({ connectionString: t.config.DATABASE_URL });
    await db.connect();
    try {
      const { rows } = await db.query('SELECT secret_key_id, secret_ciphertext FROM suite_webhooks WHERE id = $1', [created.body.id]);
      expect(rows[0].secret_key_id).toBe('dev');
      expect(rows[0].secret_ciphertext).not.toContain(SECRET);
      expect(Buffer.from(rows[0].secret_ciphertext, 'base64').toString('latin1')).not.toContain(SECRET);
    } finally {
      await db.end();
    }
    const bad = await t.http.post(hooksOf(suite.id)).set(user.auth).send({ name: 'x', url: 'ftp://example.com', secret: 'short', format: 'xml' });
    expect(bad.status).toBe(400);
    expect(bad.body.details.problems.map((p: any) => p.field).sort()).toEqual(['format', 'secret', 'url']);
    const other = await ownerWithTeam(t, 'webhooks-other');
    expect((await t.http.get(`${API}/teams/${other.teamId}/suites/${suite.id}/webhooks`).set(other.user.auth)).status).toBe(404);
  });

  it('delivers a signed JSON event, retries after a 500 with the same body freshly signed, and logs every attempt', async () => {
    const suite = await createSuite(t, user, teamId, { name: 'signed', entries: [{ flowId: okFlow }, { flowId: failFlow }] });
    const hook = (await t.http.post(hooksOf(suite.id)).set(user.auth).send({ name: 'flaky receiver', url: `${receiver.url}/flaky`, secret: SECRET }).expect(201)).body;
    const run = await waitForSuiteRun(t, user, teamId, (await runSuite(t, user, teamId, suite.id)).id);
    const [first, second] = await until(() => {
      const got = received.filter((r) => r.route === '/flaky');
      return got.length >= 2 ? got : undefined;
    });
    expect([first.status, second.status]).toEqual([500, 200]);
    for (const attempt of [first, second]) {
      const signature = String(attempt.headers['x-ats-signature']);
      const [, t] = /^t=(\d+),v1=[0-9a-f]{64}$/.exec(signature)!;
      expect(Math.abs(Number(t) - Date.now() / 1000)).toBeLessThan(120);
      const expected = `t=${t},v1=${createHmac('sha256', SECRET).update(`${t}.${attempt.body}`, 'utf8').digest('hex')}`;
      expect(signature).toBe(expected);
      expect(verifyWebhookSignature(SECRET, signature, attempt.body)).toBe(true);
      expect(verifyWebhookSignature(SECRET, signature, `${attempt.body} `)).toBe(false);
      expect(attempt.headers['content-type']).toBe('application/json');
      expect(attempt.headers['x-ats-event']).toBe('suite_run.finished');
    }
    expect(second.body).toBe(first.body);
    expect(second.headers['x-ats-delivery']).toBe(first.headers['x-ats-delivery']);
    expect([first.headers['x-ats-attempt'], second.headers['x-ats-attempt']]).toEqual(['1', '2']);
    expect(JSON.parse(second.body)).toMatchObject({
      event: 'suite_run.finished',
      deliveryId: first.headers['x-ats-delivery'],
      suite: { id: suite.id, name: 'signed' },
      run: { id: run.id, status: 'FAILED', outcome: 'failed', counts: { total: 2, passed: 1, failed: 1 } },
      failures: [{ position: 1, flowName: 'broken checkout', message: 'step "call" (http): status: expected 200 but was 500' }],
    });

    const log = await until(async () => {
      const res = await t.http.get(`${hooksOf(suite.id)}/${hook.id}/deliveries`).set(user.auth).expect(200);
      return res.body.total >= 2 ? res.body : undefined;
    });
    expect(log.items.map((d: any) => [d.attempt, d.outcome, d.httpStatus, d.error])).toEqual([
      [2, 'delivered', 200, null],
      [1, 'failed', 500, 'HTTP 500'],
    ]);
    expect(log.items[0]).toMatchObject({ suiteRunId: run.id, deliveryId: first.headers['x-ats-delivery'] });
  });

  it('gives up after WEBHOOK_MAX_ATTEMPTS and records each failure', async () => {
    const suite = await createSuite(t, user, teamId, { name: 'receiver down', entries: [{ flowId: okFlow }] });
    const hook = (await t.http.post(hooksOf(suite.id)).set(user.auth).send({ name: 'down', url: `${receiver.url}/down`, secret: SECRET }).expect(201)).body;
    const deliveries = async (outcome: string) => sampleValue(parsePrometheusText((await t.http.get('/metrics').expect(200)).text), 'ats_webhook_deliveries_total', { outcome });
    const [failedBefore, deliveredBefore] = [await deliveries('failed'), await deliveries('delivered')];
    await waitForSuiteRun(t, user, teamId, (await runSuite(t, user, teamId, suite.id)).id);
    const log = await until(async () => {
      const res = await t.http.get(`${hooksOf(suite.id)}/${hook.id}/deliveries`).set(user.auth).expect(200);
      return res.body.total >= 3 ? res.body : undefined;
    });
    await new Promise((r) => setTimeout(r, 1500)); // a 4th attempt would come after 1.2 s
    expect(received.filter((r) => r.route === '/down')).toHaveLength(3);
    expect(log.items.map((d: any) => [d.attempt, d.outcome, d.httpStatus])).toEqual([[3, 'failed', 503], [2, 'failed', 503], [1, 'failed', 503]]);
    expect(await deliveries('failed')).toBe(failedBefore + 3);
    expect(await deliveries('delivered')).toBe(deliveredBefore);
  });

  it('sends Slack messages and honours on-failure / on-change', async () => {
    const suite = await createSuite(t, user, teamId, { name: 'Nightly & <co>', entries: [{ flowId: failFlow }] });
    const add = (body: Record<string, unknown>) => t.http.post(hooksOf(suite.id)).set(user.auth).send({ secret: SECRET, ...body }).expect(201);
    await add({ name: 'slack', url: `${receiver.url}/slack`, format: 'slack', notifyOn: 'on-failure' });
    await add({ name: 'on failure', url: `${receiver.url}/on-failure`, notifyOn: 'on-failure' });
    await add({ name: 'on change', url: `${receiver.url}/on-change`, notifyOn: 'on-change' });
    const sentinel = received.filter((r) => r.route === '/always').length;
    await add({ name: 'always', url: `${receiver.url}/always` });
    const count = (route: string) => received.filter((r) => r.route === route).length;
    const runAndSettle = async (n: number) => {
      await waitForSuiteRun(t, user, teamId, (await runSuite(t, user, teamId, suite.id)).id);
      await until(() => (count('/always') >= sentinel + n ? true : undefined));
      await new Promise((r) => setTimeout(r, 300)); // the other hooks' jobs were queued together with the sentinel's
    };

    await runAndSettle(1); // first run fails: failure hooks fire, on-change fires (first run that did not pass)
    expect([count('/slack'), count('/on-failure'), count('/on-change')]).toEqual([1, 1, 1]);
    const slack = JSON.parse(received.find((r) => r.route === '/slack')!.body);
    expect(slack.text).toBe(`:x: Suite *Nightly &amp; &lt;co&gt;* FAILED in ${slack.text.match(/in ([0-9.]+) s/)[1]} s — 0 passed, 1 failed, 0 cancelled of 1`);
    expect(slack.blocks[1].text.text).toContain('*broken checkout*: step "call" (http): status: expected 200 but was 500');

    await runAndSettle(2); // fails again: no change
    expect([count('/slack'), count('/on-failure'), count('/on-change')]).toEqual([2, 2, 1]);

    await t.http.patch(`${API}/teams/${teamId}/suites/${suite.id}`).set(user.auth).send({ entries: [{ flowId: okFlow }] }).expect(200);
    await runAndSettle(3); // passes: a change, and not a failure
    expect([count('/slack'), count('/on-failure'), count('/on-change')]).toEqual([2, 2, 2]);
    const change = JSON.parse(received.filter((r) => r.route === '/on-change')[1].body);
    expect(change.run).toMatchObject({ status: 'COMPLETED', previousStatus: 'FAILED' });
  });
});
