import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { JetStreamConsumeStep } from '../../src/integrations/nats/jetstream-consume.step';
import type { JetStreamConsumeStepConfig } from '../../src/integrations/nats/jetstream-consume-step.config';
import { JetStreamPublishStep } from '../../src/integrations/nats/jetstream-publish.step';
import type { JetStreamPublishStepConfig } from '../../src/integrations/nats/jetstream-publish-step.config';
import { NatsConnectionTester } from '../../src/integrations/nats/nats-connection.tester';
import { NatsConnections } from '../../src/integrations/nats/nats-connections';
import { NatsPublishStep } from '../../src/integrations/nats/nats-publish.step';
import type { NatsPublishStepConfig } from '../../src/integrations/nats/nats-publish-step.config';
import { NatsRequestStep } from '../../src/integrations/nats/nats-request.step';
import type { NatsRequestStepConfig } from '../../src/integrations/nats/nats-request-step.config';
import { NatsSubscribeStep } from '../../src/integrations/nats/nats-subscribe.step';
import type { NatsSubscribeStepConfig } from '../../src/integrations/nats/nats-subscribe-step.config';
import type { ResolvedResource } from '../../src/steps/step-plugin';
import { closedPort } from '../support/closed-port';
import { createFlow, noRetry, runFlow, waitForExecution } from '../support/flow-helpers';
import { json, startHttpTarget } from '../support/http-target';
import { API, ownerWithTeam, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';
import { testClientPools, resource, sleep, stepContext, testEgress } from '../steps/step-test-support';
import { TEST_NATS_SERVER } from '../support/test-env';

jest.setTimeout(60_000);

/** The machine's NATS with JetStream (shared: streams made here are unique per test and deleted). */
const NATS_SERVER = TEST_NATS_SERVER;
const run = randomBytes(4).toString('hex');
/** A subject no other test or helper uses. */
const subject = (name: string) => `ats.nats-e2e.${run}.${name}`;

/** A nats-server of this file's own, requiring user/password (killed in afterAll). */
async function startAuthServer(): Promise<{ port: number; process: ChildProcess }> {
  const port = await closedPort();
  const child = spawn('/usr/sbin/nats-server', ['-a', '127.0.0.1', '-p', String(port), '--user', 'u', '--pass', 'p'], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    try {
      const nc = await connect({ servers: [`127.0.0.1:${port}`], user: 'u', pass: 'p', reconnect: false, timeout: 500 });
      await nc.close();
      return { port, process: child };
    } catch {
      await sleep(50);
    }
  }
  child.kill();
  throw new Error(`nats-server on ${port} did not start`);
}

/** Streams made by a test, deleted after it (the shared server keeps nothing of this file). */
class Streams {
  private readonly names: string[] = [];
  constructor(private readonly jsm: () => JetStreamManager) {}

  async create(label: string): Promise<{ name: string; subjects: string }> {
    const name = `ATS_E2E_${run}_${label}_${randomBytes(3).toString('hex')}`.toUpperCase();
    const subjects = `ats.js-e2e.${run}.${label}.${randomBytes(3).toString('hex')}`;
    await this.jsm().streams.add({ name, subjects: [`${subjects}.>`] });
    this.names.push(name);
    return { name, subjects };
  }

  async consumerCount(name: string): Promise<number> {
    return (await this.jsm().streams.info(name)).state.consumer_count;
  }

  async deleteAll(): Promise<void> {
    for (const name of this.names.splice(0)) await this.jsm().streams.delete(name).catch(() => undefined);
  }
}

describe('NATS steps (plugins against the real NATS + JetStream)', () => {
  const resources = testClientPools();
  const connections = new NatsConnections(resources, testEgress());
  const publisher = new NatsPublishStep(connections);
  const subscriber = new NatsSubscribeStep(connections);
  const requester = new NatsRequestStep(connections);
  const jsPublisher = new JetStreamPublishStep(connections);
  const jsConsumer = new JetStreamConsumeStep(connections);
  const natsResource = resource('nats', { servers: [`nats://${NATS_SERVER}`] }, 'local-nats');
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  const streams = new Streams(() => jsm);
  let auth: Awaited<ReturnType<typeof startAuthServer>>;

  const ctxFor = <T>(config: T, options: { timeoutMs?: number; on?: ResolvedResource; stepName?: string } = {}) =>
    stepContext({ resourceId: (options.on ?? natsResource).id, ...config }, { resource: options.on ?? natsResource, timeoutMs: options.timeoutMs ?? 20_000, stepName: options.stepName });
  const publish = (config: Omit<NatsPublishStepConfig, 'resourceId'>, on?: ResolvedResource) => publisher.run(ctxFor(config, { on }));
  const subscribe = (config: Omit<NatsSubscribeStepConfig, 'resourceId'>, options: { timeoutMs?: number; stepName?: string } = {}) => subscriber.prepare(ctxFor(config, options));
  const request = (config: Omit<NatsRequestStepConfig, 'resourceId'>) => requester.run(ctxFor(config));
  const jsPublish = (config: Omit<JetStreamPublishStepConfig, 'resourceId'>) => jsPublisher.run(ctxFor(config));
  const consume = (config: Omit<JetStreamConsumeStepConfig, 'resourceId'>, options: { timeoutMs?: number } = {}) => jsConsumer.prepare(ctxFor(config, options));

  beforeAll(async () => {
    nc = await connect({ servers: [NATS_SERVER] });
    jsm = await jetstreamManager(nc);
    auth = await startAuthServer();
  });

  afterEach(async () => {
    expect(subscriber.activeSubscriptionCount()).toBe(0);
    expect(jsConsumer.activeConsumerCount()).toBe(0);
    await streams.deleteAll();
  });

  afterAll(async () => {
    await subscriber.onModuleDestroy();
    await jsConsumer.onModuleDestroy();
    await connections.onModuleDestroy();
    await resources.closeAll();
    await nc?.close();
    auth?.process.kill();
  });

  describe('core NATS', () => {
    it('subscribe (wildcard) → publish → the matched message, shaped like kafka\'s plus its subject, with the run\'s correlation headers', async () => {
      const orderId = randomUUID();
      const complete = await subscribe({ subject: subject('orders.*'), timeoutMs: 5_000, searchPattern: { matchType: 'jsonpath', pattern: `$[?(@.orderId == '${orderId}')]` } });
      const other = await publish({ subject: subject('orders.updated'), message: { orderId: 'someone-else' } });
      const sent = await publish({ subject: subject('orders.created'), message: { orderId, status: 'CREATED' }, headers: { 'x-tenant': 'acme' } });
      expect(sent).toMatchObject({ subject: subject('orders.created'), size: expect.any(Number), publishedAt: expect.any(String), sent: { correlationHeader: 'X-Correlation-Id' } });
      expect(other.size).toBeGreaterThan(0);
      const result = await complete();
      expect(result).toMatchObject({ matchedCount: 1, scannedCount: 2 });
      expect(result.messages[0]).toMatchObject({
        subject: subject('orders.created'),
        value: { orderId, status: 'CREATED' },
        headers: { 'x-tenant': 'acme', 'X-Correlation-Id': sent.sent!.correlationId, traceparent: sent.sent!.traceparent },
      });
      expect(Date.parse(result.messages[0].timestamp)).toBeGreaterThan(Date.now() - 10_000);
    });

    it('matches text, a header value, and keeps plain text bodies as text; `>` spans several tokens', async () => {
      const byText = await subscribe({ subject: subject('text.>'), timeoutMs: 5_000, searchPattern: { matchType: 'contains', pattern: 'status=SHIPPED' } });
      const byHeader = await subscribe({ subject: subject('text.>'), timeoutMs: 5_000, searchPattern: { matchType: 'header', header: 'x-kind', pattern: 'refund' } }, { stepName: 'h' });
      await publish({ subject: subject('text.a.b'), message: 'order o-1 status=CREATED', propagateCorrelation: false });
      await publish({ subject: subject('text.a.c'), message: 'order o-1 status=SHIPPED', headers: { 'x-kind': 'refund' }, propagateCorrelation: false });
      const [text, header] = await Promise.all([byText(), byHeader()]);
      expect(text).toMatchObject({ matchedCount: 1, scannedCount: 2, messages: [{ value: 'order o-1 status=SHIPPED', subject: subject('text.a.c'), headers: { 'x-kind': 'refund' } }] });
      expect(header.messages[0].value).toBe('order o-1 status=SHIPPED');
    });

    it('nothing arrives: fails after its window with the counts', async () => {
      const complete = await subscribe({ subject: subject('quiet'), timeoutMs: 1_500, searchPattern: { matchType: 'contains', pattern: '42' } });
      for (const n of [1, 2, 3, 5]) await publish({ subject: subject('quiet'), message: { n } });
      const started = Date.now();
      await expect(complete()).rejects.toThrow(`no message on subject "${subject('quiet')}" contained "42" within 1500 ms; received 4, none matched`);
      expect(Date.now() - started).toBeLessThan(3_000);
    });

    it('queue groups: members of one group share the messages, a plain subscriber sees them all', async () => {
      const s = subject('work');
      const member = (name: string) => subscribe({ subject: s, queueGroup: 'workers', timeoutMs: 1_500, messageLimit: 50 }, { stepName: name });
      const [a, b] = [await member('a'), await member('b')];
      const all = await subscribe({ subject: s, timeoutMs: 1_500, messageLimit: 50 }, { stepName: 'all' });
      for (let n = 0; n < 20; n++) await publish({ subject: s, message: { n }, propagateCorrelation: false });
      const [ra, rb, rall] = await Promise.all([a(), b(), all()]);
      expect(rall.matchedCount).toBe(20);
      expect(ra.matchedCount + rb.matchedCount).toBe(20);
      const seen = [...ra.messages, ...rb.messages].map((m) => (m.value as { n: number }).n).sort((x, y) => x - y);
      expect(seen).toEqual([...Array(20).keys()]);
    });

    it('expect "none": passes when nothing matched in the whole window, fails with the message that did', async () => {
      const s = subject('none');
      const silent = await subscribe({ subject: s, timeoutMs: 1_200, expect: 'none', searchPattern: { matchType: 'contains', pattern: 'ERROR' } }, { timeoutMs: 5_000 });
      const loud = await subscribe({ subject: s, timeoutMs: 1_200, expect: 'none', searchPattern: { matchType: 'jsonpath', pattern: '$.error' } }, { timeoutMs: 5_000, stepName: 'loud' });
      await publish({ subject: s, message: { ok: true } });
      await publish({ subject: s, message: { error: 'boom' } });
      expect(await silent()).toMatchObject({ matchedCount: 0, scannedCount: 2, messages: [] });
      await expect(loud()).rejects.toThrow(`expected no message on subject "${s}" that matched JSONPath $.error, but found: {"value":{"error":"boom"}`);
    });

    it('deferred match: what arrives before the pattern is known is kept and matched once it is', async () => {
      const s = subject('deferred');
      const orderId = randomUUID();
      const complete = await subscriber.prepare({ ...ctxFor({ subject: s, timeoutMs: 5_000 }), deferredFields: ['searchPattern'] });
      await publish({ subject: s, message: { orderId: 'other' } });
      await publish({ subject: s, message: { orderId } });
      const result = await complete({ searchPattern: { matchType: 'jsonpath', pattern: `$[?(@.orderId == '${orderId}')]` } });
      expect(result).toMatchObject({ matchedCount: 1, scannedCount: 2, messages: [{ value: { orderId } }] });
    });

    it('cancelling closes the subscription at once', async () => {
      const ctx = ctxFor({ subject: subject('cancel'), timeoutMs: 10_000 });
      const complete = await subscriber.prepare(ctx);
      expect(subscriber.activeSubscriptionCount()).toBe(1);
      const started = Date.now();
      ctx.abort(new Error('execution cancelled'));
      await expect(complete()).rejects.toThrow(`subscription to subject "${subject('cancel')}" cancelled (execution cancelled); received 0, 0 matched`);
      expect(Date.now() - started).toBeLessThan(1_000);
    });

    it('caps a large body: matched and returned as its first 64 KiB, marked truncated with its size', async () => {
      const s = subject('big');
      const complete = await subscribe({ subject: s, timeoutMs: 5_000, searchPattern: { matchType: 'contains', pattern: 'START' } });
      await publish({ subject: s, message: `START${'x'.repeat(200_000)}` });
      const [message] = (await complete()).messages;
      expect(message).toMatchObject({ truncated: true, size: 200_005 });
      expect((message.value as string).length).toBe(64 * 1024);
    });
  });

  describe('request/reply', () => {
    it('gets the reply of an in-test responder, with its headers; the request carried the correlation headers', async () => {
      const s = subject('quote');
      let seen: Record<string, string | undefined> = {};
      const responder = nc.subscribe(s, {
        callback: (_error, msg) => {
          seen = { correlation: msg.headers?.get('X-Correlation-Id'), body: msg.string() };
          const h = natsHeaders();
          h.set('x-served-by', 'pricing-1');
          msg.respond(JSON.stringify({ price: 9.5, sku: (msg.json() as { sku: string }).sku }), { headers: h });
        },
      });
      await nc.flush();
      try {
        const result = await request({ subject: s, message: { sku: 'A-1' }, timeoutMs: 2_000 });
        expect(result).toMatchObject({ subject: s, reply: { value: { price: 9.5, sku: 'A-1' }, headers: { 'x-served-by': 'pricing-1' } }, durationMs: expect.any(Number) });
        expect(seen).toEqual({ correlation: result.sent!.correlationId, body: '{"sku":"A-1"}' });
      } finally {
        responder.unsubscribe();
      }
    });

    it('no responders: fails at once, saying nothing is subscribed', async () => {
      const started = Date.now();
      await expect(request({ subject: subject('nobody'), message: 'ping', timeoutMs: 5_000 })).rejects.toThrow(
        `no responders for request on subject "${subject('nobody')}" (resource "local-nats"): nothing is subscribed to the subject`,
      );
      expect(Date.now() - started).toBeLessThan(2_000);
    });

    it('a responder that never answers: times out after timeoutMs', async () => {
      const s = subject('silent');
      const silent = nc.subscribe(s, { callback: () => undefined });
      await nc.flush();
      try {
        await expect(request({ subject: s, message: 'ping', timeoutMs: 500 })).rejects.toThrow(`no reply to request on subject "${s}" (resource "local-nats") within 500 ms`);
      } finally {
        silent.unsubscribe();
      }
    });
  });

  describe('JetStream', () => {
    it('publish acks with stream and sequence; consume from now finds the message with its stream, seq and server time', async () => {
      const { name, subjects } = await streams.create('basic');
      const before = await jsPublish({ subject: `${subjects}.created`, message: { n: 0 } }); // stored before the consumer: not seen
      expect(before).toMatchObject({ subject: `${subjects}.created`, stream: name, seq: 1, duplicate: false });
      const orderId = randomUUID();
      const complete = await consume({ stream: name, timeoutMs: 5_000, searchPattern: { matchType: 'jsonpath', pattern: `$[?(@.orderId == '${orderId}')]` } });
      expect(await streams.consumerCount(name)).toBe(1);
      await jsPublish({ subject: `${subjects}.noise`, message: { orderId: 'other' } });
      const ack = await jsPublish({ subject: `${subjects}.created`, message: { orderId }, headers: { 'x-source': 'test' } });
      expect(ack).toMatchObject({ stream: name, seq: 3 });
      const result = await complete();
      expect(result).toMatchObject({ matchedCount: 1, scannedCount: 2 });
      expect(result.messages[0]).toMatchObject({ stream: name, seq: 3, subject: `${subjects}.created`, value: { orderId }, headers: { 'x-source': 'test', 'X-Correlation-Id': ack.sent!.correlationId } });
      expect(Math.abs(Date.parse(result.messages[0].timestamp) - Date.now())).toBeLessThan(10_000);
      // The ephemeral consumer is gone from the server.
      expect(await streams.consumerCount(name)).toBe(0);
    });

    it('replays from a sequence or a time, filtered by subject; msgId dedupes', async () => {
      const { name, subjects } = await streams.create('replay');
      for (const n of [1, 2, 3]) await jsPublish({ subject: `${subjects}.${n % 2 ? 'odd' : 'even'}`, message: { n } });
      const dup = await jsPublish({ subject: `${subjects}.odd`, message: { n: 3 }, msgId: 'm-3' });
      expect((await jsPublish({ subject: `${subjects}.odd`, message: { n: 3 }, msgId: 'm-3' })).duplicate).toBe(true);
      const fromTwo = await (await consume({ stream: name, startSequence: 2, timeoutMs: 1_500, messageLimit: 10 }))();
      expect(fromTwo.messages.map((m) => m.seq)).toEqual([2, 3, dup.seq]);
      const odd = await (await consume({ stream: name, subject: `${subjects}.odd`, startTime: Date.now() - 60_000, timeoutMs: 1_500, messageLimit: 10 }))();
      expect(odd.messages.map((m) => (m.value as { n: number }).n)).toEqual([1, 3, 3]);
    });

    it('fails clearly: publish to a subject no stream captures, consume of a missing stream', async () => {
      await expect(jsPublish({ subject: subject('unstored'), message: 'x' })).rejects.toThrow(
        `JetStream publish to subject "${subject('unstored')}" on resource "local-nats" failed: no JetStream stream captures subject "${subject('unstored')}"`,
      );
      await expect(consume({ stream: `ATS_E2E_${run}_MISSING`, timeoutMs: 1_000 })).rejects.toThrow(`cannot consume stream "ATS_E2E_${run}_MISSING" on resource "local-nats": stream "ATS_E2E_${run}_MISSING" does not exist`);
    });

    it('nothing arrives on the stream: fails after its window; cancelling deletes the consumer', async () => {
      const { name, subjects } = await streams.create('quiet');
      const complete = await consume({ stream: name, timeoutMs: 1_200, searchPattern: { matchType: 'contains', pattern: 'PAID' } });
      await jsPublish({ subject: `${subjects}.x`, message: { status: 'NEW' } });
      await expect(complete()).rejects.toThrow(`no message on stream "${name}" contained "PAID" within 1200 ms; received 1, none matched`);
      const ctx = ctxFor({ stream: name, timeoutMs: 10_000 });
      const cancelled = await jsConsumer.prepare(ctx);
      expect(await streams.consumerCount(name)).toBe(1);
      ctx.abort(new Error('execution cancelled'));
      await expect(cancelled()).rejects.toThrow('cancelled (execution cancelled)');
      expect(await streams.consumerCount(name)).toBe(0);
    });
  });

  describe('connections', () => {
    it('broker down: the step fails at once with the refused server named', async () => {
      const down = resource('nats', { servers: [`127.0.0.1:${await closedPort()}`] }, 'down-nats');
      const started = Date.now();
      await expect(publish({ subject: subject('x'), message: 'x' }, down)).rejects.toThrow(/^cannot connect to NATS on resource "down-nats": 127\.0\.0\.1:\d+: connection refused/);
      await expect(subscriber.prepare(ctxFor({ subject: subject('x'), timeoutMs: 1_000 }, { on: down }))).rejects.toThrow('connection refused');
      expect(Date.now() - started).toBeLessThan(3_000);
    });

    it('uses the next server when the first is down', async () => {
      const twoServers = resource('nats', { servers: [`127.0.0.1:${await closedPort()}`, NATS_SERVER] }, 'two-servers');
      await expect(publish({ subject: subject('fallback'), message: 'x' }, twoServers)).resolves.toMatchObject({ subject: subject('fallback') });
    });

    it('wrong credentials: authorization violation; the right ones work', async () => {
      const wrong = resource('nats', { servers: [`127.0.0.1:${auth.port}`], user: 'u', password: 'wrong' }, 'auth-nats');
      await expect(publish({ subject: 'a', message: 'x' }, wrong)).rejects.toThrow('authorization violation: the server refused the credentials');
      const right = resource('nats', { servers: [`127.0.0.1:${auth.port}`], user: 'u', password: 'p' }, 'auth-nats');
      await expect(publish({ subject: 'a', message: 'x' }, right)).resolves.toMatchObject({ subject: 'a' });
    });

    it('egress: a policy that refuses the server refuses the step and the connection test', async () => {
      const strict = testEgress({ EGRESS_DEFAULT: 'deny-private' });
      const strictConnections = new NatsConnections(resources, strict);
      try {
        await expect(new NatsPublishStep(strictConnections).run(ctxFor({ subject: subject('x'), message: 'x' }))).rejects.toThrow(/egress refused: 127\.0\.0\.1:4222 is a loopback address/);
        await expect(new NatsConnectionTester().test({ servers: ['localhost:4222'] }, { signal: new AbortController().signal, timeoutMs: 2_000, egress: strict })).rejects.toThrow('egress refused');
      } finally {
        await strictConnections.onModuleDestroy();
      }
    });

    it('the connection test reports the server and JetStream', async () => {
      const details = await new NatsConnectionTester().test({ servers: [NATS_SERVER] }, { signal: new AbortController().signal, timeoutMs: 3_000, egress: testEgress() });
      expect(details).toMatchObject({ server: NATS_SERVER, version: expect.any(String), jetstream: true });
    });
  });
});

/**
 * Through the API and the worker: flows that subscribe in the background, trigger a tiny service under
 * test over HTTP (it publishes with its own NATS client), and assert on the matched message; the
 * resource's connection test and secrets. Every stored step result is checked against its catalogue
 * resultSchema.
 */
describe('NATS flows (API → worker → real NATS)', () => {
  let t: TestApp;
  let user: TestUser;
  let teamId: string;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  const streams = new Streams(() => jsm);
  let target: Awaited<ReturnType<typeof startHttpTarget>>;
  let auth: Awaited<ReturnType<typeof startAuthServer>>;
  let natsId: string;
  let stream: { name: string; subjects: string };
  const eventSubject = subject('flow.orders.created');
  const bodies: string[] = [];

  const api = async (method: 'get' | 'post', path: string, body?: object) => {
    const res = await (body === undefined ? t.http[method](`${API}/teams/${teamId}${path}`) : t.http[method](`${API}/teams/${teamId}${path}`).send(body)).set(user.auth);
    bodies.push(res.text);
    return res;
  };

  beforeAll(async () => {
    t = await startTestApp('nats_flows');
    ({ user, teamId } = await ownerWithTeam(t, 'nats-flows'));
    nc = await connect({ servers: [NATS_SERVER] });
    jsm = await jetstreamManager(nc);
    stream = await streams.create('flow');
    auth = await startAuthServer();
    const js = jsm.jetstream();
    // The service under test: stores nothing, announces the order on core NATS and on JetStream.
    target = await startHttpTarget({
      'POST /orders': async (req, body, res) => {
        const { orderId } = JSON.parse(body) as { orderId: string };
        const h = natsHeaders();
        h.set('X-Correlation-Id', String(req.headers['x-correlation-id']));
        nc.publish(subject('flow.orders.noise'), JSON.stringify({ type: 'noise' }));
        nc.publish(eventSubject, JSON.stringify({ orderId, status: 'CREATED' }), { headers: h });
        const ack = await js.publish(`${stream.subjects}.created`, JSON.stringify({ orderId, status: 'CREATED' }), { headers: h });
        json(res, 201, { id: orderId, seq: ack.seq });
      },
    });
    const created = await api('post', '/resources', { name: 'nats', type: 'nats', config: { servers: [NATS_SERVER] } });
    expect(created.status).toBe(201);
    natsId = created.body.id;
  });

  afterAll(async () => {
    await t?.close();
    await target?.close();
    await streams.deleteAll();
    await nc?.close();
    auth?.process.kill();
  });

  const catalogueValidator = async () => {
    const catalogue: Array<{ type: string; resultSchema: object }> = (await t.http.get(`${API}/step-types`).set(user.auth).expect(200)).body;
    const ajv = addFormats(new Ajv({ strict: true, allowUnionTypes: true, allErrors: true }));
    const validators = new Map(catalogue.filter((e) => e.type.startsWith('nats-') || e.type.startsWith('jetstream-')).map((e) => [e.type, ajv.compile(e.resultSchema)]));
    expect([...validators.keys()].sort()).toEqual(['jetstream-consume', 'jetstream-publish', 'nats-publish', 'nats-request', 'nats-subscribe']);
    return (type: string, response: unknown) => ({ type, valid: validators.get(type)!(response), errors: validators.get(type)!.errors });
  };

  it('subscribe and consume in the background → trigger over HTTP → the service publishes → assertions on the matched messages', async () => {
    const responder = nc.subscribe(subject('flow.quote'), { callback: (_e, msg) => void msg.respond(JSON.stringify({ price: 12.5 })) });
    await nc.flush();
    const flowId = await createFlow(t, user, teamId, {
      name: 'order announced on NATS',
      variables: [{ name: 'orderId', type: 'string', required: true }],
      steps: [
        noRetry({
          name: 'coreEvent',
          type: 'nats-subscribe',
          runInBackground: true,
          timeoutMs: 20_000,
          config: { resourceId: natsId, subject: subject('flow.orders.*'), timeoutMs: 10_000, searchPattern: { matchType: 'jsonpath', pattern: "$[?(@.orderId == '${create.response.body.id}')]" } },
          assertions: [
            { path: 'matchedCount', operator: 'equals', expected: 1 },
            { path: 'messages[0].value.status', operator: 'equals', expected: 'CREATED' },
            { path: 'messages[0].subject', operator: 'equals', expected: eventSubject },
            { path: 'messages[0].headers.X-Correlation-Id', operator: 'equals', expected: '${execution.correlationId}' },
          ],
        }),
        noRetry({
          name: 'storedEvent',
          type: 'jetstream-consume',
          runInBackground: true,
          timeoutMs: 20_000,
          config: { resourceId: natsId, stream: stream.name, timeoutMs: 10_000, searchPattern: { matchType: 'header', header: 'X-Correlation-Id', pattern: '${execution.correlationId}' } },
          assertions: [
            { path: 'messages[0].value.orderId', operator: 'equals', expected: '${orderId}' },
            { path: 'messages[0].stream', operator: 'equals', expected: stream.name },
          ],
        }),
        noRetry({ name: 'create', type: 'http', config: { url: `${target.url}/orders`, method: 'POST', body: { orderId: '${orderId}' } }, assertions: [{ path: 'status', operator: 'equals', expected: 201 }] }),
        noRetry({ name: 'quote', type: 'nats-request', config: { resourceId: natsId, subject: subject('flow.quote'), message: { orderId: '${orderId}' }, timeoutMs: 2_000 }, assertions: [{ path: 'reply.value.price', operator: 'equals', expected: 12.5 }] }),
        noRetry({ name: 'announce', type: 'nats-publish', config: { resourceId: natsId, subject: subject('flow.audit'), message: { orderId: '${orderId}' } } }),
        noRetry({ name: 'store', type: 'jetstream-publish', config: { resourceId: natsId, subject: `${stream.subjects}.audit`, message: { orderId: '${orderId}' } }, assertions: [{ path: 'stream', operator: 'equals', expected: stream.name }] }),
      ],
    });
    try {
      const orderId = randomUUID();
      const started = await runFlow(t, user, teamId, flowId, { variables: [{ name: 'orderId', value: orderId }] });
      const done = await waitForExecution(t, user, teamId, started.id, 40_000);
      expect({ status: done.status, steps: done.steps.map((s: any) => [s.name, s.status, s.error]) }).toEqual({
        status: 'COMPLETED',
        steps: ['coreEvent', 'storedEvent', 'create', 'quote', 'announce', 'store'].map((name) => [name, 'SUCCESS', null]),
      });
      const byName = Object.fromEntries(done.steps.map((s: any) => [s.name, s]));
      expect(byName.coreEvent.response).toMatchObject({ matchedCount: 1, scannedCount: 2, messages: [{ value: { orderId, status: 'CREATED' }, subject: eventSubject }] });
      expect(byName.storedEvent.response).toMatchObject({ matchedCount: 1, messages: [{ seq: byName.create.response.body.seq, stream: stream.name }] });
      expect(byName.store.response.seq).toBe(byName.create.response.body.seq + 1);
      const validate = await catalogueValidator();
      expect(done.steps.filter((s: any) => s.type !== 'http').map((s: any) => validate(s.type, s.response)).filter((r: any) => !r.valid)).toEqual([]);
    } finally {
      responder.unsubscribe();
    }
    // Both JetStream consumers of the run were deleted.
    expect((await jsm.streams.info(stream.name)).state.consumer_count).toBe(0);
  });

  it('fails the flow with a clear step error when nothing arrives, and when nobody answers a request', async () => {
    const flowId = await createFlow(t, user, teamId, {
      name: 'nothing on NATS',
      steps: [
        noRetry({ name: 'wait', type: 'nats-subscribe', timeoutMs: 10_000, continueOnFailure: true, config: { resourceId: natsId, subject: subject('flow.never'), timeoutMs: 1_000, searchPattern: { matchType: 'contains', pattern: '42' } } }),
        noRetry({ name: 'ask', type: 'nats-request', config: { resourceId: natsId, subject: subject('flow.nobody'), message: 'hi', timeoutMs: 1_000 } }),
      ],
    });
    const done = await waitForExecution(t, user, teamId, (await runFlow(t, user, teamId, flowId)).id, 30_000);
    expect(done.status).toBe('FAILED');
    expect(done.steps.map((s: any) => [s.name, s.status, s.error])).toEqual([
      ['wait', 'ERROR', `no message on subject "${subject('flow.never')}" contained "42" within 1000 ms; received 0`],
      ['ask', 'ERROR', expect.stringContaining(`no responders for request on subject "${subject('flow.nobody')}"`)],
    ]);
  });

  it('refuses bad configs on save with the field named', async () => {
    const res = await api('post', '/flows', {
      name: 'bad nats',
      steps: [
        { name: 'p', type: 'nats-publish', config: { resourceId: natsId, subject: 'orders.*', message: 'x' } },
        { name: 's', type: 'nats-subscribe', config: { resourceId: natsId, subject: 'orders.>.x', searchPattern: { matchType: 'jsonpath', pattern: '$[?(@.a ==' } } },
        { name: 'c', type: 'jetstream-consume', config: { resourceId: natsId, stream: 'A.B', startTime: 'yesterday' } },
      ],
    });
    expect(res.status).toBe(400);
    const fields = (res.body.details.problems as Array<{ field: string }>).map((p) => p.field);
    expect(fields).toEqual(expect.arrayContaining(['/steps/0/config/subject', '/steps/1/config/subject', '/steps/1/config/searchPattern/pattern', '/steps/2/config/stream', '/steps/2/config/startTime']));
  });

  it('connection test OK and refused; wrong credentials; the password and token are never returned', async () => {
    const password = `pw-${randomBytes(6).toString('hex')}`;
    const token = `tok-${randomBytes(6).toString('hex')}`;
    expect((await api('post', `/resources/${natsId}/test`, {})).body).toMatchObject({ ok: true, details: { jetstream: true, version: expect.any(String) } });
    const refused = (await api('post', '/resources/test', { type: 'nats', config: { servers: [`127.0.0.1:${await closedPort()}`] } })).body;
    expect(refused).toMatchObject({ ok: false, error: expect.stringContaining('connection refused') });

    const withPassword = await api('post', '/resources', { name: 'nats-auth', type: 'nats', config: { servers: [`127.0.0.1:${auth.port}`], user: 'u', password } });
    expect(withPassword.status).toBe(201);
    expect((await api('post', `/resources/${withPassword.body.id}/test`, {})).body).toMatchObject({ ok: false, error: expect.stringContaining('authorization violation') });
    const right = await api('post', '/resources', { name: 'nats-auth-ok', type: 'nats', config: { servers: [`127.0.0.1:${auth.port}`], user: 'u', password: 'p' } });
    expect((await api('post', `/resources/${right.body.id}/test`, {})).body).toMatchObject({ ok: true, details: { jetstream: false } });
    const withToken = await api('post', '/resources', { name: 'nats-token', type: 'nats', config: { servers: [NATS_SERVER], token } });
    expect(withToken.status).toBe(201);
    expect((await api('post', '/resources', { name: 'both', type: 'nats', config: { servers: [NATS_SERVER], user: 'u', password: 'p', token } })).status).toBe(400);
    expect((await api('post', '/resources', { name: 'bad', type: 'nats', config: { servers: ['http://x:1'] } })).body.details.problems).toEqual([expect.objectContaining({ field: 'config.servers' })]);

    const listed = await api('get', '/resources');
    const shown = await api('get', `/resources/${withPassword.body.id}`);
    expect(shown.body.config).toEqual({ servers: [`127.0.0.1:${auth.port}`], user: 'u' });
    expect(listed.status).toBe(200);
    for (const body of bodies) {
      expect(body).not.toContain(password);
      expect(body).not.toContain(token);
    }
  });
});
