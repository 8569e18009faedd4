import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import type { RedisStepConfig } from '../../src/integrations/redis/redis-step.config';
import { RedisStep } from '../../src/integrations/redis/redis.step';
import { StepError } from '../../src/steps/step-plugin';
import { TEST_REDIS_URL } from '../support/test-env';
import { testClientPools, resource, stepContext, testEgress } from './step-test-support';

/** The Redis step against the machine's real Redis, on keys unique to this run. */
describe('redis step (real Redis)', () => {
  const prefix = `ats-test-redis-step:${randomBytes(4).toString('hex')}`;
  const resources = testClientPools();
  // The shared Redis is both the system under test and the default config's own Redis.
  const step = new RedisStep(resources, testEgress({ EGRESS_ALLOW_CONTROL_PLANE: 'true' }));
  const redisResource = resource('redis', { url: TEST_REDIS_URL }, 'cache');
  const admin = new Redis(TEST_REDIS_URL);
  const run = (config: Omit<RedisStepConfig, 'resourceId'>) => step.run(stepContext({ resourceId: redisResource.id, ...config }, { resource: redisResource }));
  const k = (name: string) => `${prefix}:${name}`;

  afterAll(async () => {
    const keys = await admin.keys(`${prefix}:*`);
    if (keys.length) await admin.del(...keys);
    await admin.quit();
    await step.onModuleDestroy();
    await resources.closeAll();
  });

  it('sets then gets a value; a JSON value is stored as JSON text and returned as a string', async () => {
    expect(await run({ operation: 'set', key: k('order'), value: { id: 'o-1', total: 12.5 }, ttlSeconds: 60 })).toEqual({
      operation: 'set',
      key: k('order'),
      value: '{"id":"o-1","total":12.5}',
      ttl: 60,
    });
    expect(await run({ operation: 'get', key: k('order') })).toEqual({ operation: 'get', key: k('order'), value: '{"id":"o-1","total":12.5}', exists: true });
    expect(await admin.ttl(k('order'))).toBeGreaterThan(55);
    expect(await run({ operation: 'get', key: k('missing') })).toMatchObject({ value: null, exists: false });
  });

  it('pushes, measures, ranges and pops a list', async () => {
    expect(await run({ operation: 'rpush', key: k('list'), value: ['a', 'b', { c: 1 }] })).toMatchObject({ count: 3 });
    expect(await run({ operation: 'lpush', key: k('list'), value: 'z' })).toMatchObject({ count: 4 });
    expect(await run({ operation: 'llen', key: k('list') })).toMatchObject({ count: 4 });
    expect(await run({ operation: 'lrange', key: k('list') })).toMatchObject({ values: ['z', 'a', 'b', '{"c":1}'], count: 4 });
    expect(await run({ operation: 'lrange', key: k('list'), start: 1, stop: 2 })).toMatchObject({ values: ['a', 'b'] });
    expect(await run({ operation: 'lpop', key: k('list') })).toMatchObject({ value: 'z', exists: true });
    expect(await run({ operation: 'rpop', key: k('list') })).toMatchObject({ value: '{"c":1}' });
  });

  it('works with hashes, sets, counters, expiry and deletion', async () => {
    expect(await run({ operation: 'hset', key: k('hash'), field: 'status', value: 'PAID' })).toMatchObject({ count: 1 });
    expect(await run({ operation: 'hset', key: k('hash'), field: 'qty', value: 2 })).toMatchObject({ count: 1 });
    expect(await run({ operation: 'hget', key: k('hash'), field: 'qty' })).toMatchObject({ value: '2', exists: true });
    expect(await run({ operation: 'hgetall', key: k('hash') })).toMatchObject({ values: { status: 'PAID', qty: '2' }, count: 2, exists: true });
    expect(await run({ operation: 'hdel', key: k('hash'), field: 'qty' })).toMatchObject({ count: 1 });

    expect(await run({ operation: 'sadd', key: k('set'), value: ['b', 'a', 'b'] })).toMatchObject({ count: 2 });
    expect(await run({ operation: 'smembers', key: k('set') })).toMatchObject({ values: ['a', 'b'], count: 2 });

    expect(await run({ operation: 'incr', key: k('counter') })).toMatchObject({ count: 1, value: '1' });
    expect(await run({ operation: 'incr', key: k('counter') })).toMatchObject({ count: 2, value: '2' });

    expect(await run({ operation: 'ttl', key: k('counter') })).toMatchObject({ ttl: -1, exists: true });
    expect(await run({ operation: 'expire', key: k('counter'), ttlSeconds: 100 })).toMatchObject({ exists: true, ttl: 100 });
    expect((await run({ operation: 'ttl', key: k('counter') })).ttl).toBeGreaterThan(95);
    expect(await run({ operation: 'expire', key: k('nothing'), ttlSeconds: 100 })).toMatchObject({ exists: false, ttl: -2 });

    expect(await run({ operation: 'exists', key: k('counter') })).toMatchObject({ exists: true, count: 1 });
    expect(await run({ operation: 'del', key: k('counter') })).toMatchObject({ count: 1 });
    expect(await run({ operation: 'exists', key: k('counter') })).toMatchObject({ exists: false, count: 0 });
    expect(await run({ operation: 'ttl', key: k('counter') })).toMatchObject({ ttl: -2, exists: false });
  });

  it('publishes to a channel and counts receivers', async () => {
    const subscriber = new Redis(TEST_REDIS_URL);
    const received = new Promise<string>((resolve) => subscriber.on('message', (_channel, message: string) => resolve(message)));
    await subscriber.subscribe(k('events'));
    try {
      expect(await run({ operation: 'publish', key: k('events'), value: { event: 'shipped' } })).toMatchObject({ count: 1 });
      expect(await received).toBe('{"event":"shipped"}');
    } finally {
      await subscriber.quit();
    }
  });

  it('explains a command on a key of another type', async () => {
    await run({ operation: 'set', key: k('plain'), value: 'x' });
    const failing = run({ operation: 'lpush', key: k('plain'), value: 'y' });
    await expect(failing).rejects.toThrow(StepError);
    await expect(failing).rejects.toThrow(/redis lpush .*:plain failed on resource "cache": the key holds another type of value \(WRONGTYPE/);
  });

  it('fails fast with a clear error when the server is unreachable', async () => {
    const down = resource('redis', { host: '127.0.0.1', port: 1 }, 'down');
    await expect(step.run(stepContext({ resourceId: down.id, operation: 'get', key: 'x' } as RedisStepConfig, { resource: down }))).rejects.toThrow(/cannot reach Redis on resource "down"/);
  });
});
