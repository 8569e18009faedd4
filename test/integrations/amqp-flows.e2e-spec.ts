import { randomUUID } from 'node:crypto';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { closedPort } from '../support/closed-port';
import { createFlow, noRetry, runFlow, waitForExecution } from '../support/flow-helpers';
import { json, startHttpTarget } from '../support/http-target';
import { API, ownerWithTeam, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';
import { RecordingClient } from '../resources/resource-helpers';
import { AmqpTestBroker } from './amqp-test-broker';

jest.setTimeout(90_000);

/**
 * RabbitMQ through the whole service (API → queue → worker → the real broker): the signature flow —
 * amqp-consume in the background, the trigger over HTTP, the service under test publishing, the
 * assertion on the matched message — its failure, the `amqp` resource's connection test and secrets,
 * and the catalogue entries checked against the steps' real results.
 */
describe('RabbitMQ flows, resources and catalogue (API → worker → real RabbitMQ)', () => {
  const broker = new AmqpTestBroker();
  const bodies: string[] = [];
  let t: TestApp;
  let user: TestUser;
  let teamId: string;
  let api: RecordingClient;
  let target: Awaited<ReturnType<typeof startHttpTarget>>;
  let ordersExchange: string;
  let auditQueue: string;
  let rabbitId: string;
  const newAjv = () => addFormats(new Ajv({ strict: true, allowUnionTypes: true, allErrors: true }));

  beforeAll(async () => {
    t = await startTestApp('amqp_flows');
    ({ user, teamId } = await ownerWithTeam(t, 'amqp'));
    api = new RecordingClient(t, user, bodies);
    ordersExchange = await broker.exchange('orders', 'topic');
    auditQueue = await broker.queue('audit');
    const channel = await broker.open();
    // The service under test: stores nothing, announces the order on RabbitMQ as a real service would
    // (after some unrelated traffic on the same exchange), and answers with the new id.
    target = await startHttpTarget({
      'POST /orders': (_req, body, res) => {
        const { amount } = JSON.parse(body) as { amount: number };
        const id = randomUUID();
        channel.publish(ordersExchange, 'order.created', Buffer.from(JSON.stringify({ orderId: 'noise', status: 'CREATED' })), { contentType: 'application/json' });
        channel.publish(ordersExchange, 'order.created', Buffer.from(JSON.stringify({ orderId: id, status: 'CREATED', amount })), { contentType: 'application/json', headers: { 'x-source': 'orders-service' } });
        json(res, 201, { id });
      },
      'POST /noise': (_req, _body, res) => {
        for (let i = 0; i < 4; i++) channel.sendToQueue(auditQueue, Buffer.from(`unrelated ${i}`));
        json(res, 202, {});
      },
    });
    rabbitId = (await api.send('post', `/teams/${teamId}/resources`, { name: 'rabbit', type: 'amqp', config: { url: 'amqp://guest:guest@127.0.0.1:5672/' } }, 201)).body.id;
  });

  afterAll(async () => {
    await t?.close();
    await target?.close();
    await broker.close();
  });

  it('consume in the background → trigger over HTTP → the service publishes → assertions on the matched message; then publish with confirm and read it back', async () => {
    const flowId = await createFlow(t, user, teamId, {
      name: 'order announced on RabbitMQ',
      variables: [{ name: 'amount', type: 'number', default: 12.5 }],
      steps: [
        noRetry({
          name: 'orderEvent',
          type: 'amqp-consume',
          runInBackground: true,
          timeoutMs: 20_000,
          // The pattern reads the trigger's answer (a later step): matched once it is known.
          config: { resourceId: rabbitId, exchange: ordersExchange, bindingKeys: ['order.*'], timeoutMs: 10_000, searchPattern: { matchType: 'jsonpath', pattern: "$[?(@.orderId == '${create.response.body.id}')]" } },
          assertions: [
            { path: 'matchedCount', operator: 'equals', expected: 1 },
            { path: 'messages[0].value.status', operator: 'equals', expected: 'CREATED' },
            { path: 'messages[0].value.amount', operator: 'equals', expected: 12.5 },
            { path: 'messages[0].routingKey', operator: 'equals', expected: 'order.created' },
            { path: 'messages[0].headers.x-source', operator: 'equals', expected: 'orders-service' },
          ],
        }),
        noRetry({ name: 'create', type: 'http', config: { url: `${target.url}/orders`, method: 'POST', body: { amount: '${amount}' } }, assertions: [{ path: 'status', operator: 'equals', expected: 201 }] }),
        noRetry({
          name: 'audit',
          type: 'amqp-publish',
          config: { resourceId: rabbitId, routingKey: auditQueue, message: { orderId: '${create.response.body.id}', checked: true }, properties: { type: 'order.checked' }, confirm: true },
          assertions: [{ path: 'confirmed', operator: 'equals', expected: true }],
        }),
        noRetry({
          name: 'auditRead',
          type: 'amqp-consume',
          timeoutMs: 10_000,
          config: { resourceId: rabbitId, queue: auditQueue, timeoutMs: 5_000, searchPattern: { matchType: 'header', header: 'X-Correlation-Id', pattern: '${execution.correlationId}' } },
          assertions: [{ path: 'messages[0].value.orderId', operator: 'equals', expected: '${create.response.body.id}' }],
        }),
      ],
    });
    const done = await waitForExecution(t, user, teamId, (await runFlow(t, user, teamId, flowId)).id, 40_000);
    expect({ status: done.status, steps: done.steps.map((s: any) => [s.name, s.status, s.error]) }).toEqual({
      status: 'COMPLETED',
      steps: [
        ['orderEvent', 'SUCCESS', null],
        ['create', 'SUCCESS', null],
        ['audit', 'SUCCESS', null],
        ['auditRead', 'SUCCESS', null],
      ],
    });
    const byName = Object.fromEntries(done.steps.map((s: any) => [s.name, s]));
    const id = byName.create.response.body.id;
    expect(byName.orderEvent.response).toMatchObject({ matchedCount: 1, scannedCount: 2, messages: [{ value: { orderId: id, status: 'CREATED', amount: 12.5 }, exchange: ordersExchange }] });
    expect(byName.audit.response).toMatchObject({ confirmed: true, exchange: '', routingKey: auditQueue, sent: { correlationId: done.correlationId } });
    expect(byName.auditRead.response.messages[0]).toMatchObject({ properties: { type: 'order.checked' }, headers: { 'X-Correlation-Id': done.correlationId } });
    expect(await broker.depth(auditQueue)).toBe(0);

    // The catalogue advertises both steps with strict JSON Schemas, and the real results satisfy them.
    const catalogue: Array<{ type: string; resourceType?: string; configSchema: object; resultSchema: object; lateFields?: string[] }> = (await api.send('get', '/step-types', undefined, 200)).body;
    const byType = Object.fromEntries(catalogue.map((e) => [e.type, e]));
    expect(byType['amqp-consume']).toMatchObject({ resourceType: 'amqp', lateFields: ['searchPattern'] });
    expect(byType['amqp-publish']).toMatchObject({ resourceType: 'amqp' });
    for (const [step, type] of [['orderEvent', 'amqp-consume'], ['auditRead', 'amqp-consume'], ['audit', 'amqp-publish']]) {
      newAjv().compile(byType[type].configSchema);
      const validate = newAjv().compile(byType[type].resultSchema);
      expect({ step, valid: validate(byName[step].response), errors: validate.errors }).toEqual({ step, valid: true, errors: null });
    }
  });

  it('fails the step with what it saw when nothing matching arrives, and returns the unmatched messages to the queue', async () => {
    const flowId = await createFlow(t, user, teamId, {
      name: 'nothing arrives',
      steps: [
        noRetry({ name: 'wait', type: 'amqp-consume', runInBackground: true, timeoutMs: 15_000, config: { resourceId: rabbitId, queue: auditQueue, timeoutMs: 3000, searchPattern: { matchType: 'contains', pattern: 'order-42' } } }),
        noRetry({ name: 'trigger', type: 'http', config: { url: `${target.url}/noise`, method: 'POST' } }),
      ],
    });
    const done = await waitForExecution(t, user, teamId, (await runFlow(t, user, teamId, flowId)).id, 30_000);
    expect(done.status).toBe('FAILED');
    const wait = done.steps.find((s: any) => s.name === 'wait');
    expect(wait).toMatchObject({ status: 'ERROR', error: `no message on queue "${auditQueue}" contained "order-42" within 3000 ms; received 4, none matched` });
    expect(await broker.depth(auditQueue)).toBe(4);
  });

  it('refuses a bad config on save, naming the field', async () => {
    const save = (config: object) => api.send('post', `/teams/${teamId}/flows`, { name: 'bad', steps: [{ name: 'c', type: 'amqp-consume', config: { resourceId: rabbitId, ...config } }] });
    const pointers = async (config: object) => {
      const res = await save(config);
      expect(res.status).toBe(400);
      return res.body.details.problems.map((p: { pointer: string }) => p.pointer);
    };
    expect(await pointers({ queue: 'q', exchange: 'x' })).toContain('/steps/0/config/queue');
    expect(await pointers({ queue: 'q', bindingKeys: ['a'] })).toEqual(['/steps/0/config/bindingKeys']);
    expect(await pointers({ queue: 'q', ack: 'some' })).toEqual(['/steps/0/config/ack']);
    expect(await pointers({ queue: 'q', searchPattern: { matchType: 'jsonpath', pattern: '$[?(@.a ==' } })).toEqual(['/steps/0/config/searchPattern/pattern']);
    const publish = await api.send('post', `/teams/${teamId}/flows`, { name: 'bad', steps: [{ name: 'p', type: 'amqp-publish', config: { resourceId: rabbitId, routingKey: 'q' } }] });
    expect(publish.status).toBe(400);
    expect(publish.body.details.problems).toEqual([expect.objectContaining({ pointer: '/steps/0/config/message' })]);
  });

  it('connection test: OK with the broker\'s version, refused on a closed port, wrong credentials named', async () => {
    const ok = (await api.send('post', `/teams/${teamId}/resources/${rabbitId}/test`, {}, 200)).body;
    expect(ok).toMatchObject({ ok: true, details: { product: 'RabbitMQ', version: expect.stringMatching(/^\d+\.\d+/) } });
    const port = await closedPort();
    const refused = (await api.send('post', `/teams/${teamId}/resources/test`, { type: 'amqp', config: { host: '127.0.0.1', port } }, 200)).body;
    expect(refused).toMatchObject({ ok: false, error: expect.stringContaining('ECONNREFUSED') });
    const wrong = (await api.send('post', `/teams/${teamId}/resources/test`, { type: 'amqp', config: { host: '127.0.0.1', username: 'guest', password: 'wrong-password-7d1e' } }, 200)).body;
    expect(wrong).toMatchObject({ ok: false, error: expect.stringContaining('ACCESS_REFUSED - Login was refused') });
  });

  it('lists the amqp resource type with a config schema the OpenAPI document defines', async () => {
    const types: Array<{ type: string; configSchema: string }> = (await api.send('get', '/resource-types', undefined, 200)).body;
    const amqp = types.find((r) => r.type === 'amqp');
    expect(amqp).toBeDefined();
    const doc = (await t.http.get('/docs-json').expect(200)).body;
    expect(doc.components.schemas[amqp!.configSchema]).toMatchObject({ properties: { url: expect.any(Object), vhost: expect.any(Object), tls: expect.any(Object) } });
  });

  it('keeps credentials secret: the URL is masked, the password never returned, and the masked URL sent back keeps the stored one', async () => {
    const shown = (await api.send('get', `/teams/${teamId}/resources/${rabbitId}`, undefined, 200)).body;
    expect(shown.config.url).toBe('amqp://***:***@127.0.0.1:5672/');
    const withPassword = (await api.send('post', `/teams/${teamId}/resources`, { name: 'rabbit-2', type: 'amqp', config: { host: '127.0.0.1', vhost: '/', username: 'guest', password: 'guest' } }, 201)).body;
    expect(withPassword.config).toEqual({ host: '127.0.0.1', vhost: '/', username: 'guest' });
    expect((await api.send('post', `/teams/${teamId}/resources/${withPassword.id}/test`, {}, 200)).body).toMatchObject({ ok: true });
    // Sending the masked URL back unchanged keeps the stored credentials: the test still logs in.
    await api.send('patch', `/teams/${teamId}/resources/${rabbitId}`, { config: { url: shown.config.url } }, 200);
    expect((await api.send('post', `/teams/${teamId}/resources/${rabbitId}/test`, {}, 200)).body).toMatchObject({ ok: true });
    // Credentials in the URL and beside it are one too many.
    const both = await api.send('post', `/teams/${teamId}/resources`, { name: 'rabbit-3', type: 'amqp', config: { url: 'amqp://a:b@127.0.0.1', password: 'c' } });
    expect(both.status).toBe(400);
    expect(both.body.details.problems).toEqual([expect.objectContaining({ field: 'config.password' })]);
    // No response of this file ever carried a password.
    for (const secret of [':guest@', 'wrong-password-7d1e', '"password":"guest"']) expect(bodies.filter((b) => b.includes(secret))).toEqual([]);
  });
});
