import { randomBytes, randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { loadConfig } from '../../src/config/load-config';
import { RedisFactory } from '../../src/redis/redis.factory';
import type { KafkaPublishStepConfig } from '../../src/integrations/kafka/publish/kafka-publish-step.config';
import { KafkaPublishStep } from '../../src/integrations/kafka/publish/kafka-publish.step';
import type { KafkaSubscribeStepConfig } from '../../src/integrations/kafka/subscribe/kafka-subscribe-step.config';
import { KafkaSubscribeStep } from '../../src/integrations/kafka/subscribe/kafka-subscribe.step';
import { StepError } from '../../src/steps/step-plugin';
import { TEST_KAFKA_BROKERS, TEST_REDIS_URL } from '../support/test-env';
import { testClientPools, resource, sleep, stepContext, testEgress } from './step-test-support';

jest.setTimeout(60_000);

/**
 * The Kafka steps against the real single-node KRaft broker: publish results, the subscribe step's
 * positioning (prepare → produce → match), pattern matching, timeouts, fresh groups per execution,
 * the lock of a chosen group, and consumers that always disconnect.
 */
describe('kafka-publish and kafka-subscribe steps (real Kafka)', () => {
  const run = randomBytes(4).toString('hex');
  const config = loadConfig({ NODE_ENV: 'test', REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: `ats-kafka-steps-${run}` });
  const redis = new Redis(TEST_REDIS_URL);
  const resources = testClientPools();
  const publisher = new KafkaPublishStep(resources, testEgress());
  const subscriber = new KafkaSubscribeStep(resources, redis, new RedisFactory(config), testEgress());
  const kafkaResource = resource('kafka', { brokers: TEST_KAFKA_BROKERS, clientId: 'ats-step-tests' }, 'local-kafka');
  const admin = new Kafka({ brokers: TEST_KAFKA_BROKERS, logLevel: logLevel.NOTHING }).admin();
  const topic = (name: string) => `ats-steps-${run}-${name}`;

  const publish = (config: Omit<KafkaPublishStepConfig, 'resourceId'>) => publisher.run(stepContext({ resourceId: kafkaResource.id, ...config }, { resource: kafkaResource }));
  const subscribeCtx = (config: Omit<KafkaSubscribeStepConfig, 'resourceId'>, options: { timeoutMs?: number; executionId?: string; stepName?: string } = {}) =>
    stepContext({ resourceId: kafkaResource.id, ...config }, { resource: kafkaResource, timeoutMs: options.timeoutMs ?? 30_000, executionId: options.executionId, stepName: options.stepName ?? 'wait-for-event' });

  beforeAll(async () => {
    await admin.connect();
  });
  afterAll(async () => {
    await subscriber.onModuleDestroy();
    await publisher.onModuleDestroy();
    await resources.closeAll();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(`ats-steps-${run}-`));
    if (topics.length) await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
    const keys = await redis.keys(`${config.REDIS_PREFIX}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  afterEach(() => {
    expect(subscriber.liveConsumerCount()).toBe(0);
  });

  describe('publish', () => {
    it('publishes key, JSON value and headers and reports partition, consecutive offsets and timestamps', async () => {
      const t = topic('publish');
      await admin.createTopics({ topics: [{ topic: t, numPartitions: 3 }], waitForLeaders: true });
      const before = Date.now();
      const result = await publish({
        topic: t,
        messages: [
          { key: 'o-1', value: { orderId: 'o-1', total: 10 }, headers: { 'x-trace': 'abc' }, partition: 2 },
          { key: 'o-2', value: 'plain text', partition: 2 },
          { value: null, partition: 0 },
        ],
        compression: 'gzip',
      });
      expect(result.messages).toHaveLength(3);
      expect(result.messages.map((m) => [m.topic, m.partition])).toEqual([[t, 2], [t, 2], [t, 0]]);
      expect(result.messages.map((m) => m.offset)).toEqual(['0', '1', '0']);
      expect(Date.parse(result.messages[0].timestamp)).toBeGreaterThanOrEqual(before - 1);

      const read = await subscriber.run(subscribeCtx({ topic: t, fromBeginning: true, messageLimit: 3, timeoutMs: 10_000 }));
      const byOffset = (p: number, o: string) => read.messages.find((m) => m.partition === p && m.offset === o);
      expect(byOffset(2, '0')).toMatchObject({ key: 'o-1', value: { orderId: 'o-1', total: 10 }, headers: { 'x-trace': 'abc' }, timestamp: result.messages[0].timestamp });
      expect(byOffset(2, '1')).toMatchObject({ key: 'o-2', value: 'plain text' });
      expect(byOffset(0, '0')).toMatchObject({ key: null, value: null });
    });

    it('reports the partition the partitioner chose for each of several messages without partitions', async () => {
      const t = topic('publish-keys');
      await admin.createTopics({ topics: [{ topic: t, numPartitions: 2 }], waitForLeaders: true });
      const result = await publish({ topic: t, messages: ['a', 'b', 'c', 'd'].map((key) => ({ key, value: key })), acks: 1 });
      const ends = await admin.fetchTopicOffsets(t);
      for (const message of result.messages) expect(Number(message.offset)).toBeLessThan(Number(ends.find((e) => e.partition === message.partition)!.high));
      const perPartition = new Map<number, string[]>();
      for (const m of result.messages) perPartition.set(m.partition!, [...(perPartition.get(m.partition!) ?? []), m.offset!]);
      for (const offsets of perPartition.values()) expect(offsets).toEqual(offsets.map((_, i) => String(i)));
    });
  });

  describe('subscribe', () => {
    it('finds a message published before, reading from the beginning, and creates a missing topic', async () => {
      const t = topic('from-beginning');
      expect(await admin.listTopics()).not.toContain(t);
      const ctx = subscribeCtx({ topic: t, fromBeginning: true, timeoutMs: 10_000 });
      const prepared = await subscriber.prepare(ctx);
      expect(await admin.listTopics()).toContain(t);
      ctx.abort();
      await expect(prepared()).rejects.toThrow('cancelled');
      await publish({ topic: t, messages: [{ value: { orderId: 'a' } }, { value: { orderId: 'b', status: 'PAID' } }, { value: { orderId: 'c' } }] });
      const result = await subscriber.run(subscribeCtx({ topic: t, fromBeginning: true, timeoutMs: 10_000, searchPattern: { matchType: 'jsonpath', pattern: "$[?(@.orderId == 'b')]" } }));
      expect(result).toMatchObject({ matchedCount: 1, scannedCount: 2, messages: [{ value: { orderId: 'b', status: 'PAID' }, offset: '1' }] });
    });

    it('prepare → publish → match: a message produced right after prepare resolves is never missed', async () => {
      const t = topic('signature');
      await publish({ topic: t, messages: [{ value: { orderId: 'old' } }] }); // before the subscription: not seen
      for (let round = 0; round < 3; round++) {
        const orderId = randomUUID();
        const complete = await subscriber.prepare(subscribeCtx({ topic: t, timeoutMs: 10_000, searchPattern: { matchType: 'jsonpath', pattern: `$[?(@.orderId == '${orderId}')]` } }));
        expect(subscriber.liveConsumerCount()).toBe(1);
        // Produced immediately, with no delay: positioning happened inside prepare.
        await publish({ topic: t, messages: [{ key: orderId, value: { orderId, status: 'CREATED' } }] });
        const result = await complete();
        expect(result.matchedCount).toBe(1);
        expect(result.scannedCount).toBe(1);
        expect(result.messages[0]).toMatchObject({ key: orderId, value: { orderId, status: 'CREATED' }, partition: 0 });
        expect(subscriber.liveConsumerCount()).toBe(0);
      }
    });

    it('deferred match: keeps what arrives before the pattern is known, then matches it in order, and says so on a timeout', async () => {
      const t = topic('deferred');
      const orderId = randomUUID();
      const deferred = (timeoutMs: number, stepName: string) => ({ ...subscribeCtx({ topic: t, timeoutMs }, { stepName }), deferredFields: ['searchPattern'] });
      const complete = await subscriber.prepare(deferred(10_000, 'deferred'));
      const unmatched = await subscriber.prepare(deferred(1500, 'never-matched'));
      // Both arrive before the trigger "returns" the id the step matches on.
      await publish({ topic: t, messages: [{ value: { orderId: 'someone-else' } }, { key: orderId, value: { orderId } }] });
      const result = await complete({ searchPattern: { matchType: 'jsonpath', pattern: `$[?(@.orderId == '${orderId}')]` } });
      expect(result).toMatchObject({ matchedCount: 1, scannedCount: 2, messages: [{ key: orderId, value: { orderId } }] });
      // The pattern never comes (the engine is still waiting for the trigger) and the window ends.
      await expect(unmatched()).rejects.toThrow(/matching had not started: the steps its searchPattern reads had not finished; 2 kept/);
    });

    it('is positioned on every partition of a multi-partition topic before prepare resolves', async () => {
      const t = topic('signature-partitions');
      await admin.createTopics({ topics: [{ topic: t, numPartitions: 3 }], waitForLeaders: true });
      await publish({ topic: t, messages: [0, 1, 2].map((partition) => ({ value: { old: true }, partition })) });
      const complete = await subscriber.prepare(subscribeCtx({ topic: t, timeoutMs: 10_000, messageLimit: 6, searchPattern: { matchType: 'jsonpath', pattern: '$.n', matchAll: true } }));
      await publish({ topic: t, messages: [1, 2, 3, 4, 5, 6].map((n) => ({ value: { n }, partition: n % 3 })) });
      const result = await complete();
      expect(result.scannedCount).toBe(6);
      expect(result.messages.map((m) => (m.value as { n: number }).n).sort()).toEqual([1, 2, 3, 4, 5, 6]);
      expect(new Set(result.messages.map((m) => m.partition))).toEqual(new Set([0, 1, 2]));
    });

    it('matches JSONPath filters and exact text, skipping messages that are not JSON', async () => {
      const t = topic('patterns');
      const jsonpath = await subscriber.prepare(subscribeCtx({ topic: t, timeoutMs: 10_000, searchPattern: { matchType: 'jsonpath', pattern: '$[?(@.total > 100)]' } }));
      const exact = await subscriber.prepare(subscribeCtx({ topic: t, timeoutMs: 10_000, searchPattern: { matchType: 'exact', pattern: 'status=SHIPPED' } }, { stepName: 'exact' }));
      await publish({ topic: t, messages: [{ value: 'not json at all' }, { value: { total: 50 } }, { value: 'order o-9 status=SHIPPED' }, { value: { total: 150, id: 'big' } }] });
      const [byPath, byText] = await Promise.all([jsonpath(), exact()]);
      expect(byPath).toMatchObject({ matchedCount: 1, scannedCount: 4, messages: [{ value: { total: 150, id: 'big' } }] });
      expect(byText).toMatchObject({ matchedCount: 1, scannedCount: 3, messages: [{ value: 'order o-9 status=SHIPPED' }] });
    });

    it('times out with an error that says how many messages were scanned', async () => {
      const t = topic('timeout');
      const complete = await subscriber.prepare(subscribeCtx({ topic: t, timeoutMs: 1500, searchPattern: { matchType: 'exact', pattern: 'never-there' } }));
      await publish({ topic: t, messages: [{ value: 'one' }, { value: 'two' }] });
      const started = Date.now();
      const outcome = complete();
      await expect(outcome).rejects.toThrow(StepError);
      await expect(outcome).rejects.toThrow(`no message on topic "${t}" contained "never-there" within 1500 ms; received 2, none matched`);
      expect(Date.now() - started).toBeLessThan(3000);
    });

    it('matchAll collects until messageLimit, succeeds at the timeout with at least one match and fails with none', async () => {
      const t = topic('match-all');
      const limited = await subscriber.prepare(subscribeCtx({ topic: t, messageLimit: 2, timeoutMs: 10_000, searchPattern: { matchType: 'jsonpath', pattern: '$.paid', matchAll: true } }));
      const untilTimeout = await subscriber.prepare(subscribeCtx({ topic: t, timeoutMs: 1500, searchPattern: { matchType: 'jsonpath', pattern: '$.paid', matchAll: true } }, { stepName: 'all' }));
      const none = await subscriber.prepare(subscribeCtx({ topic: t, timeoutMs: 1500, searchPattern: { matchType: 'exact', pattern: 'refund', matchAll: true } }, { stepName: 'none' }));
      await publish({ topic: t, messages: [{ value: { paid: true, n: 1 } }, { value: { n: 2 } }, { value: { paid: false, n: 3 } }] });
      const started = Date.now();
      expect(await limited()).toMatchObject({ matchedCount: 2, scannedCount: 3, messages: [{ value: { n: 1 } }, { value: { n: 3 } }] });
      expect(Date.now() - started).toBeLessThan(1000);
      expect(await untilTimeout()).toMatchObject({ matchedCount: 2, scannedCount: 3 });
      await expect(none()).rejects.toThrow('no message on topic');
    });

    it('gives two concurrent executions their own fresh groups: each sees every message', async () => {
      const t = topic('concurrent');
      const [a, b] = await Promise.all(
        [randomUUID(), randomUUID()].map((executionId) =>
          subscriber.prepare(subscribeCtx({ topic: t, timeoutMs: 10_000, messageLimit: 3, searchPattern: { matchType: 'jsonpath', pattern: '$.n', matchAll: true } }, { executionId })),
        ),
      );
      expect(subscriber.liveConsumerCount()).toBe(2);
      await publish({ topic: t, messages: [1, 2, 3].map((n) => ({ value: { n } })) });
      const [ra, rb] = await Promise.all([a(), b()]);
      expect(ra.messages.map((m) => (m.value as { n: number }).n)).toEqual([1, 2, 3]);
      expect(rb.messages.map((m) => (m.value as { n: number }).n)).toEqual([1, 2, 3]);
      // Fresh groups are deleted afterwards.
      const groups = (await admin.listGroups()).groups.map((g) => g.groupId);
      expect(groups.filter((g) => g.startsWith('ats-') && g.endsWith('-wait-for-event'))).toEqual([]);
    });

    it('locks a chosen consumer group per topic: a second run waits until the deadline and says so', async () => {
      const t = topic('chosen-group');
      const group = `billing-tests-${run}`;
      const first = await subscriber.prepare(subscribeCtx({ topic: t, consumerGroup: group, timeoutMs: 10_000, searchPattern: { matchType: 'exact', pattern: 'first' } }));
      expect(await redis.get(`${config.REDIS_PREFIX}:lock:kafka-group:${group}:${t}`)).toEqual(expect.any(String));

      const blocked = subscriber.prepare(subscribeCtx({ topic: t, consumerGroup: group, searchPattern: { matchType: 'exact', pattern: 'second' } }, { timeoutMs: 800, stepName: 'second' }));
      await expect(blocked).rejects.toThrow(new RegExp(`consumer group "${group}" on topic "${t}" is in use by another run; waited \\d+ ms \\(until the step deadline\\)`));

      // A run cancelled while waiting says so.
      const cancelledCtx = subscribeCtx({ topic: t, consumerGroup: group }, { stepName: 'cancelled' });
      const cancelled = subscriber.prepare(cancelledCtx);
      setTimeout(() => cancelledCtx.abort(new Error('execution cancelled by user')), 300);
      await expect(cancelled).rejects.toThrow(new RegExp(`cancelled after waiting \\d+ ms for consumer group "${group}" on topic "${t}", which another run is using`));

      // A waiting run gets the group as soon as the first one ends.
      const waiting = subscriber.prepare(subscribeCtx({ topic: t, consumerGroup: group, timeoutMs: 10_000, searchPattern: { matchType: 'exact', pattern: 'second' } }, { stepName: 'waiting' }));
      await sleep(300);
      await publish({ topic: t, messages: [{ value: 'first' }] });
      expect(await first()).toMatchObject({ matchedCount: 1 });
      const second = await waiting;
      await publish({ topic: t, messages: [{ value: 'second' }] });
      expect(await second()).toMatchObject({ matchedCount: 1, messages: [{ value: 'second' }] });
      expect(await redis.exists(`${config.REDIS_PREFIX}:lock:kafka-group:${group}:${t}`)).toBe(0);
    });

    it('disconnects its consumer when the step is aborted, during the wait and during prepare', async () => {
      const t = topic('abort');
      const ctx = subscribeCtx({ topic: t, timeoutMs: 30_000, searchPattern: { matchType: 'exact', pattern: 'x' } });
      const complete = await subscriber.prepare(ctx);
      expect(subscriber.liveConsumerCount()).toBe(1);
      ctx.abort(new Error('execution cancelled by user'));
      await expect(complete()).rejects.toThrow(`subscription to topic "${t}" cancelled (execution cancelled by user); received 0, 0 matched`);
      expect(subscriber.liveConsumerCount()).toBe(0);

      const early = subscribeCtx({ topic: topic('abort-early'), timeoutMs: 30_000 }, { stepName: 'early' });
      const preparing = subscriber.prepare(early);
      early.abort(new Error('execution cancelled by user'));
      await expect(preparing).rejects.toThrow(/cancelled before it was ready \(execution cancelled by user\)|cannot connect to Kafka/);
      expect(subscriber.liveConsumerCount()).toBe(0);
    });

    it('reports the step timeout, with the scanned count, when it comes before timeoutMs', async () => {
      const t = topic('step-timeout');
      const ctx = subscribeCtx({ topic: t, timeoutMs: 60_000, searchPattern: { matchType: 'exact', pattern: 'x' } }, { timeoutMs: 2000 });
      const complete = await subscriber.prepare(ctx);
      await publish({ topic: t, messages: [{ value: 'y' }] });
      await expect(complete()).rejects.toThrow(/no message on topic ".*" contained "x" before the step timeout \(waited \d+ ms\); received 1, none matched$|timed out: no message on topic ".*" contained "x" before the step timeout; received 1, 0 matched/);
    });
  });
});
