import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { connectAsync, type MqttClient } from 'mqtt';
import type { MqttPublishStepConfig } from '../../src/integrations/mqtt/mqtt-publish-step.config';
import { MqttPublishStep } from '../../src/integrations/mqtt/mqtt-publish.step';
import type { MqttSubscribeStepConfig } from '../../src/integrations/mqtt/mqtt-subscribe-step.config';
import { MqttSubscribeStep } from '../../src/integrations/mqtt/mqtt-subscribe.step';
import type { ResolvedResource } from '../../src/steps/step-plugin';
import { testClientPools, resource, sleep, stepContext, testEgress } from '../steps/step-test-support';
import { RecordingClient } from '../resources/resource-helpers';
import { closedPort } from '../support/closed-port';
import { createFlow, noRetry, runFlow, waitForExecution } from '../support/flow-helpers';
import { json, startHttpTarget } from '../support/http-target';
import { API, ownerWithTeam, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';
import { TEST_MQTT_URL } from '../support/test-env';

jest.setTimeout(60_000);

/** The machine's shared Mosquitto (anonymous access); only topics under this run's prefix are used. */
const MQTT_URL = TEST_MQTT_URL;
const BROKER_USER = 'ats-tester';
const BROKER_PASSWORD = `pw-${randomBytes(8).toString('hex')}`;

/**
 * A second Mosquitto of this test's own, on a free port, that refuses anonymous clients: the "wrong
 * credentials" broker. Killed in afterAll.
 */
async function startPasswordBroker(): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ats-mosquitto-'));
  const passwords = path.join(dir, 'passwords');
  execFileSync('mosquitto_passwd', ['-b', '-c', passwords, BROKER_USER, BROKER_PASSWORD]);
  fs.chmodSync(passwords, 0o600);
  // Started as root, mosquitto drops to its own user, which must then be able to read the password file.
  if (process.getuid?.() === 0) {
    const owner = /^(\d+):(\d+)$/.exec(execFileSync('id', ['-u', 'mosquitto']).toString().trim() + ':' + execFileSync('id', ['-g', 'mosquitto']).toString().trim());
    if (owner) for (const file of [dir, passwords]) fs.chownSync(file, Number(owner[1]), Number(owner[2]));
  }
  const port = await closedPort();
  const conf = path.join(dir, 'mosquitto.conf');
  fs.writeFileSync(conf, [`listener ${port} 127.0.0.1`, 'allow_anonymous false', `password_file ${passwords}`, 'persistence false', 'log_dest none', ''].join('\n'));
  const child: ChildProcess = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (up) break;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`mosquitto -c ${conf} did not start (exit ${child.exitCode})`);
    await sleep(50);
  }
  return {
    url: `mqtt://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The MQTT integration against the real Mosquitto of this machine: the step plugins directly (publish,
 * subscribe windows, wildcards, retained handling, expect "none", failures) and through the whole
 * service (resources, connection tests, secrets, and the flow "subscribe in background → trigger over
 * HTTP → the service under test publishes → assertion").
 */
describe('MQTT integration (real Mosquitto)', () => {
  const run = randomBytes(4).toString('hex');
  const topic = (name: string) => `ats-test/${run}/${name}`;
  const resources = testClientPools();
  const publisher = new MqttPublishStep(resources, testEgress());
  const subscriber = new MqttSubscribeStep(testEgress());
  const v5 = resource('mqtt', { url: MQTT_URL, protocolVersion: 5, clientIdPrefix: 'ats-e2e' }, 'local-mosquitto-v5');
  const v311 = resource('mqtt', { url: MQTT_URL, protocolVersion: 4 }, 'local-mosquitto-v311');
  let raw: MqttClient;
  let secured: Awaited<ReturnType<typeof startPasswordBroker>>;
  const retainedTopics: string[] = [];

  const publish = (config: Omit<MqttPublishStepConfig, 'resourceId'>, on: ResolvedResource = v5) => publisher.run(stepContext({ resourceId: on.id, ...config }, { resource: on }));
  /** `on`: the resource (default MQTT 5); `options.timeoutMs`: the step timeout (config.timeoutMs is the window). */
  const subscribeCtx = ({ on = v5, ...config }: Omit<MqttSubscribeStepConfig, 'resourceId'> & { on?: ResolvedResource }, options: { timeoutMs?: number } = {}) =>
    stepContext<MqttSubscribeStepConfig>({ resourceId: on.id, ...config }, { resource: on, timeoutMs: options.timeoutMs ?? 15_000, stepName: 'wait-for-message' });
  const retain = async (t: string, message: string) => {
    retainedTopics.push(t);
    await raw.publishAsync(t, message, { qos: 1, retain: true });
  };

  beforeAll(async () => {
    raw = await connectAsync(MQTT_URL, { clientId: `ats-e2e-raw-${run}`, protocolVersion: 5 });
    secured = await startPasswordBroker();
  });

  afterAll(async () => {
    // Mosquitto persists retained messages: clear the ones this file left.
    for (const t of retainedTopics) await raw.publishAsync(t, '', { qos: 1, retain: true });
    await raw.endAsync();
    await subscriber.onModuleDestroy();
    await publisher.onModuleDestroy();
    await resources.closeAll();
    await secured?.stop();
  });

  afterEach(() => {
    expect(subscriber.liveSubscriptionCount()).toBe(0);
  });

  describe('steps', () => {
    it('MQTT 5: prepare resolves on SUBACK, a message published right after is matched by user property (matchType header), with topic, qos and retain flags', async () => {
      const t = topic('v5/orders/1/created');
      const correlation = randomUUID();
      const complete = await subscriber.prepare(
        subscribeCtx({ topics: [topic('v5/orders/+/created')], qos: 2, timeoutMs: 5000, searchPattern: { matchType: 'header', header: 'X-Correlation-Id', pattern: correlation } }),
      );
      expect(subscriber.liveSubscriptionCount()).toBe(1);
      await publish({ topic: t, message: { orderId: 1, status: 'OTHER' }, qos: 1, userProperties: { 'x-correlation-id': 'someone-else' } });
      const published = await publish({ topic: t, message: { orderId: 1, status: 'CREATED' }, qos: 2, userProperties: { 'x-correlation-id': correlation, 'x-tenant': 'acme' } });
      expect(published).toMatchObject({ topic: t, qos: 2, retain: false, reasonCode: 0, sent: { correlationHeader: 'X-Correlation-Id' } });
      const result = await complete();
      expect(result).toMatchObject({ matchedCount: 1, scannedCount: 2 });
      expect(result.messages[0]).toMatchObject({
        topic: t,
        value: { orderId: 1, status: 'CREATED' },
        headers: { 'x-correlation-id': correlation, 'x-tenant': 'acme', traceparent: published.sent!.traceparent },
        qos: 2,
        retain: false,
      });
      expect(Date.parse(result.messages[0].timestamp)).not.toBeNaN();
    });

    it('MQTT 3.1.1: publishes and subscribes (text and JSONPath), has no user properties, and refuses userProperties clearly', async () => {
      const t = topic('v311/events');
      const complete = await subscriber.prepare(subscribeCtx({ topics: [t], on: v311, timeoutMs: 5000, searchPattern: { matchType: 'jsonpath', pattern: "$[?(@.kind == 'wanted')]" } }));
      await publish({ topic: t, message: 'plain text, not JSON', qos: 0 }, v311);
      const published = await publish({ topic: t, message: { kind: 'wanted' } }, v311);
      expect(published).toMatchObject({ topic: t, qos: 1, retain: false });
      expect(published.sent).toBeUndefined();
      const result = await complete();
      expect(result).toMatchObject({ matchedCount: 1, scannedCount: 2, messages: [{ topic: t, value: { kind: 'wanted' }, headers: {}, qos: 1, retain: false }] });
      await expect(publish({ topic: t, message: 'x', userProperties: { a: 'b' } }, v311)).rejects.toThrow('userProperties need MQTT 5, but resource "local-mosquitto-v311" uses MQTT 3.1.1');
    });

    it('wildcards: + matches one level, # any depth, several filters in one step, matchAll collects up to messageLimit', async () => {
      const complete = await subscriber.prepare(subscribeCtx({ topics: [topic('wild/+/a'), topic('deep/#')], messageLimit: 3, timeoutMs: 5000, searchPattern: { matchType: 'contains', pattern: 'hit', matchAll: true } }));
      await publish({ topic: topic('wild/x/a'), message: 'hit 1' });
      await publish({ topic: topic('wild/x/y/a'), message: 'hit not delivered: + is one level' });
      await publish({ topic: topic('deep'), message: 'hit 2' });
      await publish({ topic: topic('deep/1/2/3'), message: 'hit 3' });
      const result = await complete();
      expect(result.messages.map((m) => [m.topic, m.value])).toEqual([
        [topic('wild/x/a'), 'hit 1'],
        [topic('deep'), 'hit 2'],
        [topic('deep/1/2/3'), 'hit 3'],
      ]);
      expect(result.scannedCount).toBe(3);
    });

    it.each([
      ['MQTT 5', v5],
      ['MQTT 3.1.1', v311],
    ])('retained messages (%s): ignored by default so a stale one cannot pass; included on request with retain: true; live retained publishes always count', async (_label, on) => {
      const t = topic(`retained/${on.config.protocolVersion}`);
      await retain(t, JSON.stringify({ state: 'stale' }));
      // Default "ignore": the stale retained message is neither matched nor scanned.
      const ignoring = subscriber.run(subscribeCtx({ topics: [t], on, timeoutMs: 1000, searchPattern: { matchType: 'contains', pattern: 'stale' } }));
      await expect(ignoring).rejects.toThrow(`no message on topic "${t}" contained "stale" within 1000 ms; received 0`);
      // "include": it is the first message, flagged.
      const included = await subscriber.run(subscribeCtx({ topics: [t], on, retained: 'include', timeoutMs: 3000, searchPattern: { matchType: 'contains', pattern: 'stale' } }));
      expect(included.messages).toEqual([expect.objectContaining({ topic: t, value: { state: 'stale' }, retain: true })]);
      // A retained publish while subscribed is live: it counts under "ignore" too (the broker clears the flag).
      const complete = await subscriber.prepare(subscribeCtx({ topics: [t], on, timeoutMs: 5000, searchPattern: { matchType: 'contains', pattern: 'fresh' } }));
      await publish({ topic: t, message: { state: 'fresh' }, retain: true }, on);
      const live = await complete();
      expect(live.messages[0]).toMatchObject({ value: { state: 'fresh' }, retain: false });
    });

    it('expect "none": passes when only other messages arrive, fails at once on a match with the message quoted', async () => {
      const t = topic('none');
      const quiet = await subscriber.prepare(subscribeCtx({ topics: [t], timeoutMs: 1000, expect: 'none', searchPattern: { matchType: 'contains', pattern: 'ERROR' } }, { timeoutMs: 5000 }));
      await publish({ topic: t, message: 'all good' });
      expect(await quiet()).toEqual({ messages: [], matchedCount: 0, scannedCount: 1 });

      const noisy = await subscriber.prepare(subscribeCtx({ topics: [t], timeoutMs: 3000, expect: 'none', searchPattern: { matchType: 'contains', pattern: 'ERROR' } }, { timeoutMs: 6000 }));
      const started = Date.now();
      await publish({ topic: t, message: 'ERROR: payment declined' });
      await expect(noisy()).rejects.toThrow(`expected no message on topic "${t}" that contained "ERROR", but found: {"topic":"${t}","value":"ERROR: payment declined"`);
      expect(Date.now() - started).toBeLessThan(2500);
    });

    it('nothing matching arrives: the error names the topic, the pattern, the window and the counts', async () => {
      const t = topic('quiet');
      const complete = await subscriber.prepare(subscribeCtx({ topics: [t], timeoutMs: 1500, searchPattern: { matchType: 'contains', pattern: '42' } }));
      for (let i = 0; i < 4; i++) await publish({ topic: t, message: `order ${i}` });
      await expect(complete()).rejects.toThrow(`no message on topic "${t}" contained "42" within 1500 ms; received 4, none matched`);
    });

    it('deferred match: keeps what arrives before the pattern is known, then matches it', async () => {
      const t = topic('deferred');
      const id = randomUUID();
      const complete = await subscriber.prepare({ ...subscribeCtx({ topics: [t], timeoutMs: 5000 }), deferredFields: ['searchPattern'] });
      await publish({ topic: t, message: { id: 'other' } });
      await publish({ topic: t, message: { id } });
      const result = await complete({ searchPattern: { matchType: 'jsonpath', pattern: `$[?(@.id == '${id}')]` } });
      expect(result).toMatchObject({ matchedCount: 1, scannedCount: 2, messages: [{ value: { id } }] });
    });

    it('cancellation closes the subscription connection at once', async () => {
      const ctx = subscribeCtx({ topics: [topic('cancel')], timeoutMs: 30_000 });
      const complete = await subscriber.prepare(ctx);
      const started = Date.now();
      ctx.abort(new Error('execution cancelled'));
      await expect(complete()).rejects.toThrow(`subscription to topic "${topic('cancel')}" cancelled (execution cancelled); received 0, 0 matched`);
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it('broker down: subscribe and publish fail with "connection refused"', async () => {
      const down = resource('mqtt', { url: `mqtt://127.0.0.1:${await closedPort()}`, protocolVersion: 5 }, 'down');
      await expect(subscriber.prepare(subscribeCtx({ topics: ['a'], on: down }))).rejects.toThrow(/^cannot subscribe to "a" on resource "down": connection refused \(127\.0\.0\.1:\d+\): is the broker running\?$/);
      await expect(publish({ topic: 'a', message: 'x' }, down)).rejects.toThrow(/^cannot connect to the MQTT broker of resource "down": connection refused/);
    });

    it.each([4, 5])('wrong credentials (protocol level %s) are refused by the broker with a clear message; right ones work', async (protocolVersion) => {
      const wrong = resource('mqtt', { url: secured.url, protocolVersion, user: BROKER_USER, password: 'wrong' }, 'secured');
      await expect(subscriber.prepare(subscribeCtx({ topics: ['a'], on: wrong }))).rejects.toThrow(
        /cannot subscribe to "a" on resource "secured": Connection refused: (Not authorized|Bad User Name or Password): check user and password/,
      );
      const anonymous = resource('mqtt', { url: secured.url, protocolVersion }, 'anonymous');
      await expect(publish({ topic: 'a', message: 'x' }, anonymous)).rejects.toThrow(/Connection refused: Not authorized: check user and password/);
      const right = resource('mqtt', { url: secured.url, protocolVersion, user: BROKER_USER, password: BROKER_PASSWORD }, 'secured-ok');
      const complete = await subscriber.prepare(subscribeCtx({ topics: ['orders/#'], on: right, timeoutMs: 3000, searchPattern: { matchType: 'contains', pattern: 'ok' } }));
      await publish({ topic: 'orders/1', message: 'ok' }, right);
      expect((await complete()).messages[0]).toMatchObject({ topic: 'orders/1', value: 'ok' });
    });

    it('a broker that goes away mid-window fails the step with the cause, not a silent timeout', async () => {
      const doomed = await startPasswordBroker();
      const on = resource('mqtt', { url: doomed.url, protocolVersion: 5, user: BROKER_USER, password: BROKER_PASSWORD }, 'doomed');
      const complete = await subscriber.prepare(subscribeCtx({ topics: ['orders/#'], on, timeoutMs: 10_000 }));
      const started = Date.now();
      await doomed.stop();
      await expect(complete()).rejects.toThrow(/^the connection to the broker of resource "doomed" was lost: .+ \(scanned 0 messages, 0 matched\)$/);
      expect(Date.now() - started).toBeLessThan(3000);
    });

    it('bounds memory: a body over 1 MiB is matched and returned cut, marked truncated', async () => {
      const t = topic('big');
      const complete = await subscriber.prepare(subscribeCtx({ topics: [t], timeoutMs: 5000, searchPattern: { matchType: 'contains', pattern: 'START' } }));
      await raw.publishAsync(t, `START${'x'.repeat(1536 * 1024)}`, { qos: 1 });
      const [message] = (await complete()).messages;
      expect(message.truncated).toBe(true);
      expect((message.value as string).length).toBe(1024 * 1024);
    });

    it('egress: a broker address the policy refuses is never connected to (the service\'s own Redis)', async () => {
      const sneaky = resource('mqtt', { url: 'mqtt://127.0.0.1:6379', protocolVersion: 5 }, 'sneaky');
      await expect(publish({ topic: 'a', message: 'x' }, sneaky)).rejects.toThrow(/egress refused/);
      await expect(subscriber.prepare(subscribeCtx({ topics: ['a'], on: sneaky }))).rejects.toThrow(/egress refused/);
    });

    it('pools one publishing connection per resource version and replaces one the broker dropped', async () => {
      const t = topic('pool');
      const clientsBefore = await publish({ topic: t, message: '1' });
      expect(clientsBefore.qos).toBe(1);
      // A new version gets a new connection; the old one still works for its in-flight users.
      const v2 = { ...v5, version: 2 };
      await publish({ topic: t, message: '2' }, v2);
      // Kick the pooled client by taking over its client id: the next publish reconnects.
      const pool = (publisher as unknown as { connections: { acquire(r: ResolvedResource): Promise<{ client: { clientId: string }; release(): void }> } }).connections;
      const lease = await pool.acquire(v2);
      const clientId = lease.client.clientId;
      lease.release();
      expect(clientId).toMatch(/^ats-e2e-[0-9a-f]{16}$/);
      const thief = await connectAsync(MQTT_URL, { clientId, protocolVersion: 5 });
      await sleep(200);
      await thief.endAsync();
      const complete = await subscriber.prepare(subscribeCtx({ topics: [t], timeoutMs: 5000, searchPattern: { matchType: 'contains', pattern: 'after' } }));
      await publish({ topic: t, message: 'after reconnect' }, v2);
      expect((await complete()).messages[0].value).toBe('after reconnect');
    });
  });

  describe('through the service', () => {
    let t: TestApp;
    let user: TestUser;
    let teamId: string;
    let api: RecordingClient;
    let target: Awaited<ReturnType<typeof startHttpTarget>>;
    let serviceClient: MqttClient;
    const bodies: string[] = [];
    const ids = { v5: '', v311: '', secured: '' };

    beforeAll(async () => {
      t = await startTestApp('mqtt-integration');
      ({ user, teamId } = await ownerWithTeam(t, 'mqtt'));
      api = new RecordingClient(t, user, bodies);
      // The service under test: creates an order and announces it over MQTT (MQTT 5, passing the caller's correlation id on).
      serviceClient = await connectAsync(MQTT_URL, { clientId: `ats-e2e-sut-${run}`, protocolVersion: 5 });
      target = await startHttpTarget({
        'POST /orders': async (req, body, res) => {
          const id = randomUUID();
          const { status } = JSON.parse(body || '{}') as { status?: string };
          const correlation = String(req.headers['x-correlation-id'] ?? '');
          await serviceClient.publishAsync(topic(`shop/orders/${id}/created`), JSON.stringify({ orderId: id, status: status ?? 'CREATED' }), {
            qos: 1,
            properties: { userProperties: { 'x-correlation-id': correlation } },
          });
          json(res, 201, { id });
        },
        // A broken service under test: answers but never publishes.
        'POST /silent': (_req, _body, res) => json(res, 201, { id: randomUUID() }),
      });
      const save = async (name: string, config: object) => (await api.send('post', `/teams/${teamId}/resources`, { name, type: 'mqtt', config }, 201)).body.id as string;
      ids.v5 = await save('mosquitto', { url: MQTT_URL, protocolVersion: 5 });
      ids.v311 = await save('mosquitto-311', { url: MQTT_URL, protocolVersion: 4 });
      ids.secured = await save('secured', { url: secured.url, user: BROKER_USER, password: BROKER_PASSWORD, protocolVersion: 5 });
    });

    afterAll(async () => {
      await serviceClient?.endAsync();
      await target?.close();
      await t?.close();
    });

    const orderFlow = (resourceId: string, searchPattern: Record<string, unknown>, path = '/orders') => ({
      name: `mqtt order ${randomUUID()}`,
      steps: [
        noRetry({
          name: 'created',
          type: 'mqtt-subscribe',
          runInBackground: true,
          timeoutMs: 15_000,
          config: { resourceId, topics: [topic('shop/orders/+/created')], timeoutMs: 3000, searchPattern },
          assertions: [{ path: 'messages[0].value.status', operator: 'equals', expected: 'PAID' }],
        }),
        noRetry({ name: 'create', type: 'http', config: { url: `${target.url}${path}`, method: 'POST', body: { status: 'PAID' } } }),
      ],
    });

    it('flow: mqtt-subscribe in background → trigger over HTTP → the service publishes → assertion on the matched message (JSONPath on the returned id)', async () => {
      const flowId = await createFlow(t, user, teamId, orderFlow(ids.v5, { matchType: 'jsonpath', pattern: "$[?(@.orderId == '${create.response.body.id}')]" }));
      const started = await runFlow(t, user, teamId, flowId);
      const done = await waitForExecution(t, user, teamId, started.id);
      expect(done.status).toBe('COMPLETED');
      const steps = Object.fromEntries(done.steps.map((s: any) => [s.name, s]));
      const orderId = steps.create.response.body.id;
      expect(steps.created.response).toMatchObject({
        matchedCount: 1,
        messages: [{ topic: topic(`shop/orders/${orderId}/created`), value: { orderId, status: 'PAID' }, qos: 1, retain: false }],
      });
      expect(steps.created.assertions).toEqual([expect.objectContaining({ path: 'messages[0].value.status', actual: 'PAID', passed: true })]);
    });

    it('flow (MQTT 5 user properties): the message this run caused is found by its correlation id header; MQTT 3.1.1 by JSONPath', async () => {
      const byHeader = await createFlow(t, user, teamId, orderFlow(ids.v5, { matchType: 'header', header: 'x-correlation-id', pattern: '${execution.correlationId}' }));
      const done = await waitForExecution(t, user, teamId, (await runFlow(t, user, teamId, byHeader)).id);
      expect(done.status).toBe('COMPLETED');
      const created = done.steps.find((s: any) => s.name === 'created');
      expect(created.response.messages[0].headers).toEqual({ 'x-correlation-id': done.correlationId });

      const v311Flow = await createFlow(t, user, teamId, orderFlow(ids.v311, { matchType: 'jsonpath', pattern: "$[?(@.orderId == '${create.response.body.id}')]" }));
      const v311Done = await waitForExecution(t, user, teamId, (await runFlow(t, user, teamId, v311Flow)).id);
      expect(v311Done.status).toBe('COMPLETED');
      expect(v311Done.steps.find((s: any) => s.name === 'created').response.messages[0].headers).toEqual({});
    });

    it('flow: nothing arrives → the subscribe step fails with the window and counts, the execution fails', async () => {
      const flowId = await createFlow(t, user, teamId, orderFlow(ids.v5, { matchType: 'jsonpath', pattern: "$[?(@.orderId == '${create.response.body.id}')]" }, '/silent'));
      const done = await waitForExecution(t, user, teamId, (await runFlow(t, user, teamId, flowId)).id);
      expect(done.status).toBe('FAILED');
      const created = done.steps.find((s: any) => s.name === 'created');
      expect(created.status).toBe('ERROR');
      expect(created.error).toContain(`no message on topic "${topic('shop/orders/+/created')}"`);
      expect(created.error).toContain('within 3000 ms; received 0');
    });

    it('catalogue: both step types and the resource type are listed with schemas that compile strictly, and real results (publish → subscribe in one flow) are valid against them', async () => {
      const newAjv = () => addFormats(new Ajv({ strict: true, allowUnionTypes: true, allErrors: true }));
      const catalogue: Array<{ type: string; resourceType?: string; configSchema: object; resultSchema: object; lateFields?: string[] }> = (await t.http.get(`${API}/step-types`).set(user.auth).expect(200)).body;
      const byType = Object.fromEntries(catalogue.filter((e) => e.type.startsWith('mqtt-')).map((e) => [e.type, e]));
      expect(Object.keys(byType).sort()).toEqual(['mqtt-publish', 'mqtt-subscribe']);
      expect(byType['mqtt-subscribe'].lateFields).toEqual(['searchPattern']);
      for (const entry of Object.values(byType)) for (const schema of [entry.configSchema, entry.resultSchema]) newAjv().compile(schema);
      const subscribeConfig = newAjv().compile(byType['mqtt-subscribe'].configSchema);
      expect(subscribeConfig({ resourceId: ids.v5, topics: ['orders/+/paid'], qos: 1, retained: 'include', searchPattern: { matchType: 'header', header: 'x-tenant', pattern: 'acme' } })).toBe(true);
      const types = (await t.http.get(`${API}/resource-types`).set(user.auth).expect(200)).body as Array<{ type: string; example?: object }>;
      expect(types.find((r) => r.type === 'mqtt')).toBeDefined();

      const t1 = topic('contract/1');
      const flowId = await createFlow(t, user, teamId, {
        name: 'mqtt contract',
        steps: [
          noRetry({ name: 'consume', type: 'mqtt-subscribe', runInBackground: true, timeoutMs: 15_000, config: { resourceId: ids.v5, topics: [topic('contract/#')], timeoutMs: 5000, searchPattern: { matchType: 'header', header: 'X-Correlation-Id', pattern: '${execution.correlationId}' } } }),
          noRetry({ name: 'publish', type: 'mqtt-publish', config: { resourceId: ids.v5, topic: t1, message: { n: 1 }, qos: 2, userProperties: { 'x-tenant': 'acme' } } }),
        ],
      });
      const done = await waitForExecution(t, user, teamId, (await runFlow(t, user, teamId, flowId)).id);
      expect(done.steps.map((s: any) => [s.name, s.status, s.error])).toEqual([['consume', 'SUCCESS', null], ['publish', 'SUCCESS', null]]);
      for (const step of done.steps) {
        const validate = newAjv().compile(byType[step.type].resultSchema);
        expect({ step: step.name, valid: validate(step.response), errors: validate.errors }).toEqual({ step: step.name, valid: true, errors: null });
      }
      const consume = done.steps.find((s: any) => s.name === 'consume').response;
      expect(consume.messages[0]).toMatchObject({ topic: t1, value: { n: 1 }, qos: 1, headers: { 'x-tenant': 'acme', 'X-Correlation-Id': done.correlationId } });
    });

    it('refuses a bad step config at save with the field named (400)', async () => {
      const res = await api.send('post', `/teams/${teamId}/flows`, {
        name: 'bad mqtt',
        steps: [{ name: 's', type: 'mqtt-subscribe', config: { resourceId: ids.v5, topics: ['orders/#/x'] } }],
      });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain('topics');
    });

    it('connection tests: OK against Mosquitto (v5 and 3.1.1), refused on a closed port, wrong credentials named; saved secrets work and are never returned', async () => {
      const ok = (await api.send('post', `/teams/${teamId}/resources/${ids.v5}/test`, {}, 200)).body;
      expect(ok).toMatchObject({ ok: true, details: { protocolVersion: '5.0', clientId: expect.stringMatching(/^ats-[0-9a-f]{16}$/) } });
      expect((await api.send('post', `/teams/${teamId}/resources/${ids.v311}/test`, {}, 200)).body).toMatchObject({ ok: true, details: { protocolVersion: '3.1.1' } });
      const refused = (await api.send('post', `/teams/${teamId}/resources/test`, { type: 'mqtt', config: { url: `mqtt://127.0.0.1:${await closedPort()}` } }, 200)).body;
      expect(refused).toMatchObject({ ok: false, error: expect.stringContaining('connection refused') });
      const wrong = (await api.send('post', `/teams/${teamId}/resources/test`, { type: 'mqtt', config: { url: secured.url, user: BROKER_USER, password: 'nope' } }, 200)).body;
      expect(wrong).toMatchObject({ ok: false, error: expect.stringMatching(/Connection refused: (Not authorized|Bad User Name or Password): check user and password/) });
      // The stored password is used (the test passes) but never comes back.
      expect((await api.send('post', `/teams/${teamId}/resources/${ids.secured}/test`, {}, 200)).body).toMatchObject({ ok: true });
      const stored = (await api.send('get', `/teams/${teamId}/resources/${ids.secured}`, undefined, 200)).body;
      expect(stored.config).toEqual({ url: secured.url, user: BROKER_USER, protocolVersion: 5 });
      await api.send('get', `/teams/${teamId}/resources`, undefined, 200);
      // A new address must bring its own password: the stored one is not sent to another broker.
      const moved = await api.send('patch', `/teams/${teamId}/resources/${ids.secured}`, { config: { url: MQTT_URL, user: BROKER_USER, protocolVersion: 5 } });
      expect(moved.status).toBe(400);
      for (const body of bodies) expect(body).not.toContain(BROKER_PASSWORD);
    });

    it('resource config errors are 400s naming the field (WebSocket URL refused with its reason)', async () => {
      const res = await api.send('post', `/teams/${teamId}/resources`, { name: 'ws', type: 'mqtt', config: { url: 'wss://broker:443' } });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain('MQTT over WebSocket (ws://, wss://) is not supported');
    });
  });
});
