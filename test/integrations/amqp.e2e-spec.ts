import { randomUUID } from 'node:crypto';
import { AmqpConnections } from '../../src/integrations/amqp/amqp-connections';
import type { AmqpConsumeStepConfig } from '../../src/integrations/amqp/amqp-consume-step.config';
import { AmqpConsumeStep } from '../../src/integrations/amqp/amqp-consume.step';
import type { AmqpPublishStepConfig } from '../../src/integrations/amqp/amqp-publish-step.config';
import { AmqpPublishStep } from '../../src/integrations/amqp/amqp-publish.step';
import { StepError } from '../../src/steps/step-plugin';
import { closedPort } from '../support/closed-port';
import { testClientPools, resource, stepContext, testEgress } from '../steps/step-test-support';
import { AmqpTestBroker, TEST_AMQP_URL } from './amqp-test-broker';

jest.setTimeout(60_000);

/**
 * The amqp-publish and amqp-consume plugins against the machine's real RabbitMQ: confirm mode, the
 * consumer in place when prepare resolves, named queues and their ack policy, exchanges tapped through
 * binding keys and headers, the search window (timeout, expect "none", deferred match), and every way
 * the broker says no (unknown exchange or queue, unroutable, down, wrong credentials, egress).
 */
describe('amqp-publish and amqp-consume steps (real RabbitMQ)', () => {
  const broker = new AmqpTestBroker();
  const resources = testClientPools();
  const connections = new AmqpConnections(resources, testEgress());
  const publisher = new AmqpPublishStep(connections);
  const consumer = new AmqpConsumeStep(connections);
  const rabbit = resource('amqp', { url: TEST_AMQP_URL }, 'local-rabbit');

  const publish = (config: Omit<AmqpPublishStepConfig, 'resourceId'>, on = rabbit) => publisher.run(stepContext({ resourceId: on.id, ...config }, { resource: on }));
  const consumeCtx = (config: Omit<AmqpConsumeStepConfig, 'resourceId'>, options: { timeoutMs?: number; on?: typeof rabbit } = {}) =>
    stepContext({ resourceId: (options.on ?? rabbit).id, ...config } as AmqpConsumeStepConfig, { resource: options.on ?? rabbit, timeoutMs: options.timeoutMs ?? 20_000, stepName: 'wait-for-event' });

  afterAll(async () => {
    await consumer.onModuleDestroy();
    await connections.onModuleDestroy();
    await resources.closeAll();
    await broker.close();
  });

  afterEach(() => {
    expect(consumer.liveConsumerCount()).toBe(0);
  });

  describe('publish', () => {
    it('publishes with confirm (the broker acks) to an exchange: routing key, headers, properties and correlation arrive', async () => {
      const exchange = await broker.exchange('publish', 'topic');
      const complete = await consumer.prepare(consumeCtx({ exchange, bindingKeys: ['order.*'], messageLimit: 1, timeoutMs: 10_000 }));
      const ctx = stepContext({ resourceId: rabbit.id, exchange, routingKey: 'order.created', message: { orderId: 'o-1', total: 10 }, headers: { 'x-tenant': 'acme' }, properties: { messageId: 'm-1', type: 'order.created', appId: 'ats-tests' } } as AmqpPublishStepConfig, { resource: rabbit });
      const result = await publisher.run(ctx);
      expect(result).toMatchObject({
        exchange,
        routingKey: 'order.created',
        confirmed: true,
        persistent: true,
        contentType: 'application/json',
        messageId: 'm-1',
        size: Buffer.byteLength(JSON.stringify({ orderId: 'o-1', total: 10 })),
        headers: { 'x-tenant': 'acme', 'X-Correlation-Id': ctx.correlationId, traceparent: expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/) },
        sent: { correlationHeader: 'X-Correlation-Id', correlationId: ctx.correlationId },
      });
      const consumed = await complete();
      expect(consumed).toMatchObject({ matchedCount: 1, scannedCount: 1 });
      expect(consumed.messages[0]).toMatchObject({
        value: { orderId: 'o-1', total: 10 },
        headers: { 'x-tenant': 'acme', 'X-Correlation-Id': ctx.correlationId },
        exchange,
        routingKey: 'order.created',
        redelivered: false,
        properties: { contentType: 'application/json', messageId: 'm-1', type: 'order.created', appId: 'ats-tests', deliveryMode: 2 },
        timestamp: result.publishedAt,
      });
    });

    it('publishes text without confirm to the default exchange (a queue by name)', async () => {
      const queue = await broker.queue('default-exchange');
      const result = await publish({ routingKey: queue, message: 'plain text', confirm: false, persistent: false });
      expect(result).toMatchObject({ exchange: '', routingKey: queue, confirmed: false, persistent: false, contentType: 'text/plain', size: 10 });
      const read = await consumer.run(consumeCtx({ queue, messageLimit: 1, timeoutMs: 5_000 }));
      expect(read.messages[0]).toMatchObject({ value: 'plain text', exchange: '', routingKey: queue, properties: { deliveryMode: 1 } });
    });

    it('fails clearly for an unknown exchange (with and without confirm) and for an unroutable mandatory message', async () => {
      const missing = broker.name('no-such-exchange');
      for (const confirm of [true, false]) {
        const outcome = publish({ exchange: missing, routingKey: 'k', message: 'x', confirm });
        await expect(outcome).rejects.toThrow(StepError);
        await expect(outcome).rejects.toThrow(`publish to exchange "${missing}" with routing key "k" failed on resource "local-rabbit": NOT_FOUND - no exchange '${missing}' in vhost '/'`);
      }
      const exchange = await broker.exchange('unroutable', 'direct');
      await expect(publish({ exchange, routingKey: 'nobody-listens', message: 'x', mandatory: true })).rejects.toThrow(/the broker returned the message: NO_ROUTE \(312\)/);
      // Without mandatory the broker drops it and confirms: the step says what it knows.
      expect(await publish({ exchange, routingKey: 'nobody-listens', message: 'x' })).toMatchObject({ confirmed: true });
      // The failures closed their own channels only: the pooled connection still publishes.
      expect(await publish({ exchange, routingKey: 'k', message: 'after' })).toMatchObject({ confirmed: true });
    });
  });

  describe('consume', () => {
    it('prepare → publish → match: a message published right after prepare resolves is never missed, and the temporary queue is deleted', async () => {
      const exchange = await broker.exchange('signature', 'topic');
      for (let round = 0; round < 3; round++) {
        const orderId = randomUUID();
        const complete = await consumer.prepare(consumeCtx({ exchange, bindingKeys: ['orders.#'], timeoutMs: 10_000, searchPattern: { matchType: 'jsonpath', pattern: `$[?(@.orderId == '${orderId}')]` } }));
        expect(consumer.liveConsumerCount()).toBe(1);
        await publish({ exchange, routingKey: 'orders.eu.created', message: { orderId: 'someone-else' } });
        await publish({ exchange, routingKey: 'orders.eu.created', message: { orderId, status: 'CREATED' } });
        const result = await complete();
        expect(result).toMatchObject({ matchedCount: 1, scannedCount: 2, messages: [{ value: { orderId, status: 'CREATED' }, routingKey: 'orders.eu.created' }] });
      }
      // Every temporary queue is gone: nothing is bound to the exchange, a mandatory publish comes back.
      await expect(publish({ exchange, routingKey: 'orders.eu.created', message: 'x', mandatory: true })).rejects.toThrow('NO_ROUTE');
    });

    it('binding keys filter on the broker: only bound routing keys reach the step', async () => {
      const exchange = await broker.exchange('keys', 'topic');
      const complete = await consumer.prepare(consumeCtx({ exchange, bindingKeys: ['invoice.paid', 'order.*.shipped'], messageLimit: 2, timeoutMs: 10_000 }));
      for (const key of ['order.created', 'invoice.paid', 'order.eu.shipped', 'invoice.created']) await publish({ exchange, routingKey: key, message: { key } });
      const result = await complete();
      expect(result.messages.map((m) => m.routingKey)).toEqual(['invoice.paid', 'order.eu.shipped']);
      expect(result.scannedCount).toBe(2);
    });

    it('binds on headers (headers exchange, x-match all / any) and matches on a header value', async () => {
      const exchange = await broker.exchange('headers', 'headers');
      const all = await consumer.prepare(consumeCtx({ exchange, bindingHeaders: { kind: 'order', region: 'eu' }, timeoutMs: 10_000, searchPattern: { matchType: 'header', header: 'kind', pattern: 'order' } }));
      const any = await consumer.prepare(consumeCtx({ exchange, bindingHeaders: { kind: 'invoice', region: 'us' }, headersMatch: 'any', messageLimit: 1, timeoutMs: 10_000 }));
      await publish({ exchange, message: 'order us', headers: { kind: 'order', region: 'us' } });
      await publish({ exchange, message: 'order eu', headers: { kind: 'order', region: 'eu' } });
      expect(await all()).toMatchObject({ matchedCount: 1, scannedCount: 1, messages: [{ value: 'order eu' }] });
      expect((await any()).messages.map((m) => m.value)).toEqual(['order us']);
    });

    it('named queue, ack "matched" (default): takes the match, returns the rest to the queue for its real consumers', async () => {
      const queue = await broker.queue('ack-matched');
      await broker.send(queue, { n: 1 });
      await broker.send(queue, { n: 2, wanted: true });
      await broker.send(queue, { n: 3 });
      const result = await consumer.run(consumeCtx({ queue, timeoutMs: 5_000, searchPattern: { matchType: 'jsonpath', pattern: '$.wanted' } }));
      expect(result).toMatchObject({ matchedCount: 1, messages: [{ value: { n: 2, wanted: true }, redelivered: false }] });
      expect(await broker.depth(queue)).toBe(2);
      // What went back is intact and marked redelivered.
      const again = await consumer.run(consumeCtx({ queue, timeoutMs: 5_000, messageLimit: 2, ack: 'none' }));
      expect(again.messages.map((m) => [m.value, m.redelivered])).toEqual([
        [{ n: 1 }, true],
        [{ n: 3 }, true],
      ]);
      expect(await broker.depth(queue)).toBe(2);
    });

    it('named queue, ack "all" drains what it examined; ack "none" leaves even the match', async () => {
      const queue = await broker.queue('ack-all');
      for (const n of [1, 2, 3]) await broker.send(queue, { n });
      const peek = await consumer.run(consumeCtx({ queue, ack: 'none', timeoutMs: 5_000, searchPattern: { matchType: 'contains', pattern: '"n":2' } }));
      expect(peek).toMatchObject({ matchedCount: 1, scannedCount: 2 });
      expect(await broker.depth(queue)).toBe(3);
      const drain = await consumer.run(consumeCtx({ queue, ack: 'all', timeoutMs: 5_000, searchPattern: { matchType: 'contains', pattern: '"n":2' } }));
      expect(drain).toMatchObject({ matchedCount: 1, scannedCount: 2 });
      // 1 and 2 were examined and taken; 3 (delivered after the match or never) is back in the queue.
      expect(await broker.depth(queue)).toBe(1);
    });

    it('times out with the count of what it received', async () => {
      const queue = await broker.queue('timeout');
      const complete = await consumer.prepare(consumeCtx({ queue, timeoutMs: 1500, searchPattern: { matchType: 'contains', pattern: 'never-there' } }));
      for (let i = 0; i < 4; i++) await broker.send(queue, `message ${i}`);
      const started = Date.now();
      const outcome = complete();
      await expect(outcome).rejects.toThrow(StepError);
      await expect(outcome).rejects.toThrow(`no message on queue "${queue}" contained "never-there" within 1500 ms; received 4, none matched`);
      expect(Date.now() - started).toBeLessThan(3000);
      // None matched: all four are back for the queue's consumers.
      expect(await broker.depth(queue)).toBe(4);
    });

    it('expect "none": passes after a silent window, fails at the first match with it in the error', async () => {
      const exchange = await broker.exchange('none', 'fanout');
      const quiet = await consumer.prepare(consumeCtx({ exchange, expect: 'none', timeoutMs: 1000, searchPattern: { matchType: 'contains', pattern: 'refund' } }, { timeoutMs: 5000 }));
      const loud = await consumer.prepare(consumeCtx({ exchange, expect: 'none', timeoutMs: 1000, searchPattern: { matchType: 'contains', pattern: 'order' } }, { timeoutMs: 5000 }));
      await publish({ exchange, message: 'order shipped' });
      await expect(loud()).rejects.toThrow(`expected no message on exchange "${exchange}" (binding key "#") that contained "order", but found: `);
      expect(await quiet()).toEqual({ messages: [], matchedCount: 0, scannedCount: 1 });
    });

    it('deferred match: keeps what arrives before the pattern is known, then matches it', async () => {
      const exchange = await broker.exchange('deferred', 'topic');
      const orderId = randomUUID();
      const complete = await consumer.prepare({ ...consumeCtx({ exchange, timeoutMs: 10_000 }), deferredFields: ['searchPattern'] });
      await publish({ exchange, routingKey: 'a', message: { orderId: 'other' } });
      await publish({ exchange, routingKey: 'b', message: { orderId } });
      const result = await complete({ searchPattern: { matchType: 'jsonpath', pattern: `$[?(@.orderId == '${orderId}')]` } });
      expect(result).toMatchObject({ matchedCount: 1, scannedCount: 2, messages: [{ routingKey: 'b' }] });
    });

    it('keeps at most 1 MiB of a body, saying so', async () => {
      const queue = await broker.queue('big');
      const big = 'x'.repeat(1024 * 1024 + 10);
      await broker.send(queue, big);
      const result = await consumer.run(consumeCtx({ queue, ack: 'all', messageLimit: 1, timeoutMs: 5_000 }));
      expect(result.messages[0]).toMatchObject({ size: big.length, bodyTruncated: true });
      expect((result.messages[0].value as string).length).toBe(1024 * 1024);
    });

    it('cancellation closes the consumer and deletes its temporary queue', async () => {
      const exchange = await broker.exchange('cancel', 'topic');
      const ctx = consumeCtx({ exchange, timeoutMs: 10_000 });
      const complete = await consumer.prepare(ctx);
      ctx.abort(new Error('execution cancelled'));
      await expect(complete()).rejects.toThrow(`subscription to exchange "${exchange}" (binding key "#") cancelled (execution cancelled); received 0, 0 matched`);
      expect(consumer.liveConsumerCount()).toBe(0);
      // Nothing is bound to the exchange any more: a mandatory publish comes back.
      await expect(publish({ exchange, routingKey: 'x', message: 'x', mandatory: true })).rejects.toThrow('NO_ROUTE');
    });

    it('fails clearly for a missing queue and a missing exchange', async () => {
      const queue = broker.name('no-such-queue');
      await expect(consumer.run(consumeCtx({ queue, timeoutMs: 2_000 }))).rejects.toThrow(`cannot consume from queue "${queue}" on resource "local-rabbit": NOT_FOUND - no queue '${queue}' in vhost '/'`);
      const exchange = broker.name('no-such-exchange');
      await expect(consumer.run(consumeCtx({ exchange, timeoutMs: 2_000 }))).rejects.toThrow(`NOT_FOUND - no exchange '${exchange}' in vhost '/'`);
    });
  });

  describe('connections', () => {
    it('broker down: a clear connect error, quickly', async () => {
      const down = resource('amqp', { host: '127.0.0.1', port: await closedPort() }, 'down-rabbit');
      const started = Date.now();
      await expect(publish({ routingKey: 'q', message: 'x' }, down)).rejects.toThrow(/^cannot connect to RabbitMQ on resource "down-rabbit" \(127\.0\.0\.1:\d+ vhost "\/"\): connect ECONNREFUSED/);
      await expect(consumer.run(consumeCtx({ queue: 'q', timeoutMs: 2_000 }, { on: down }))).rejects.toThrow('ECONNREFUSED');
      expect(Date.now() - started).toBeLessThan(3000);
    });

    it('wrong credentials and an unknown vhost: the broker\'s refusal, without the password', async () => {
      const wrong = resource('amqp', { host: '127.0.0.1', username: 'guest', password: 'not-the-password-4f1c' }, 'wrong-rabbit');
      const outcome = publish({ routingKey: 'q', message: 'x' }, wrong);
      await expect(outcome).rejects.toThrow(/ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN/);
      await expect(outcome).rejects.not.toThrow('not-the-password-4f1c');
      const vhost = resource('amqp', { url: 'amqp://guest:guest@127.0.0.1:5672/no-such-vhost' }, 'vhost-rabbit');
      await expect(publish({ routingKey: 'q', message: 'x' }, vhost)).rejects.toThrow(/vhost/);
    });

    it('a connection lost while consuming fails the step clearly, and the next step connects again', async () => {
      const queue = await broker.queue('lost');
      const complete = await consumer.prepare(consumeCtx({ queue, timeoutMs: 10_000 }));
      // Closed behind the pool's back, as a broker restart or a forced close would.
      const lease = await connections.acquire(rabbit, new AbortController().signal);
      await lease.client.close();
      lease.release();
      await expect(complete()).rejects.toThrow(`the channel consuming from queue "${queue}" was closed: the connection to the broker was lost (scanned 0 messages, 0 matched)`);
      await broker.send(queue, 'after the loss');
      expect(await consumer.run(consumeCtx({ queue, messageLimit: 1, timeoutMs: 5_000 }))).toMatchObject({ matchedCount: 1, messages: [{ value: 'after the loss' }] });
    });

    it('goes only where the egress policy allows', async () => {
      const denied = new AmqpConnections(resources, testEgress({ EGRESS_DENY: '127.0.0.1/32' }));
      await expect(new AmqpPublishStep(denied).run(stepContext({ resourceId: rabbit.id, routingKey: 'q', message: 'x' } as AmqpPublishStepConfig, { resource: rabbit }))).rejects.toThrow(/egress refused/);
      await denied.onModuleDestroy();
    });
  });
});
