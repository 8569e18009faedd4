import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import type { AppConfig } from '../../src/config/app-config';
import { RedisChannelSubscriber } from '../../src/redis/redis-channel-subscriber';
import { RedisFactory } from '../../src/redis/redis.factory';
import { TEST_REDIS_URL } from '../support/test-env';

/** The process's one subscriber connection, against the real Redis. */
describe('RedisChannelSubscriber', () => {
  const prefix = `ats-sub-test-${randomUUID()}`;
  const factory = new RedisFactory({ REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, APP_MODE: 'api' } as AppConfig);
  const publisher = new Redis(TEST_REDIS_URL);
  const subscriber = new RedisChannelSubscriber(factory);
  const a = factory.key('a');
  const b = factory.key('b');

  afterAll(async () => {
    await subscriber.onModuleDestroy();
    await publisher.quit();
  });

  const received = (into: string[]) => (channel: string, message: string) => void into.push(`${channel === a ? 'a' : 'b'}:${message}`);
  const until = async (check: () => boolean) => {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  };

  it('gives every listener each message once, over one connection, in publish order across channels', async () => {
    const first: string[] = [];
    const second: string[] = [];
    const stopFirst = await subscriber.listen([a, b], received(first));
    await subscriber.listen([a], received(second));
    for (let i = 0; i < 20; i++) await publisher.publish(i % 3 ? a : b, String(i));
    await until(() => first.length === 20 && second.length === 13);
    expect(first).toEqual(Array.from({ length: 20 }, (_, i) => `${i % 3 ? 'a' : 'b'}:${i}`));
    expect(second).toEqual(first.filter((m) => m.startsWith('a:')));
    // One connection of ours, however many listeners and channels.
    const clients = String(await publisher.call('CLIENT', 'LIST')).split('\n').filter((line) => line.includes('name=ats-api-updates-sub') && line.includes(' sub=2 '));
    expect(clients.length).toBeGreaterThanOrEqual(1);

    stopFirst();
    await publisher.publish(a, 'after-stop');
    await until(() => second.length === 14);
    expect(second.at(-1)).toBe('a:after-stop');
    expect(first).toHaveLength(20);
  });

  it('keeps delivering to the other listeners when one throws', async () => {
    const c = factory.key('c');
    const got: string[] = [];
    await subscriber.listen([c], () => {
      throw new SyntaxError('malformed');
    });
    await subscriber.listen([c], (_channel, message) => void got.push(message));
    await publisher.publish(c, 'one');
    await publisher.publish(c, 'two');
    await until(() => got.length === 2);
    expect(got).toEqual(['one', 'two']);
  });
});
