import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import type { AppConfig } from '../../src/config/app-config';
import { OnDemandChannelListener } from '../../src/redis/on-demand-channel-listener';
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
  const until = async (check: () => boolean | Promise<boolean>) => {
    for (let i = 0; i < 200 && !(await check()); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  };
  /** Subscribers Redis has for the channel (PUBSUB NUMSUB): what it sends messages to. */
  const subscribers = async (channel: string) => Number(((await publisher.call('PUBSUB', 'NUMSUB', channel)) as [string, number])[1]);

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

  it('unsubscribes a channel once nobody listens to it, and subscribes it again for the next listener', async () => {
    const d = factory.key('d');
    const got: string[] = [];
    const stopOne = await subscriber.listen([d], () => undefined);
    const stopTwo = await subscriber.listen([d], (_channel, message) => void got.push(message));
    expect(await subscribers(d)).toBe(1);
    stopOne();
    await publisher.publish(d, 'still');
    await until(() => got.length === 1);
    expect(got).toEqual(['still']);
    stopTwo();
    await until(async () => (await subscribers(d)) === 0);
    expect(await subscribers(d)).toBe(0);

    const stopThree = await subscriber.listen([d], (_channel, message) => void got.push(message));
    expect(await subscribers(d)).toBe(1); // resolved only once Redis confirmed it
    await publisher.publish(d, 'again');
    await until(() => got.length === 2);
    expect(got).toEqual(['still', 'again']);
    stopThree();
  });
});

describe('OnDemandChannelListener', () => {
  const prefix = `ats-ondemand-test-${randomUUID()}`;
  const factory = new RedisFactory({ REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, APP_MODE: 'api' } as AppConfig);
  const publisher = new Redis(TEST_REDIS_URL);
  const subscriber = new RedisChannelSubscriber(factory);
  const channel = factory.key('updates');
  const got: string[] = [];
  const listener = new OnDemandChannelListener(subscriber, () => [channel], (_channel, message) => void got.push(message), 300);

  afterAll(async () => {
    listener.close();
    await subscriber.onModuleDestroy();
    await publisher.quit();
  });

  const subscribers = async () => Number(((await publisher.call('PUBSUB', 'NUMSUB', channel)) as [string, number])[1]);
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('subscribes only while used, keeps the channel for the linger after the last user, and a user back within it keeps it', async () => {
    expect(await subscribers()).toBe(0); // nobody here uses it: Redis sends this process nothing
    const releaseA = await listener.acquire();
    const releaseB = await listener.acquire();
    expect(await subscribers()).toBe(1); // one subscription, however many users
    await publisher.publish(channel, 'one');
    releaseA();
    releaseA(); // a second call gives nothing back twice
    await sleep(400);
    expect(await subscribers()).toBe(1); // B still uses it
    releaseB();
    expect(await subscribers()).toBe(1); // lingering

    await sleep(150);
    const releaseC = await listener.acquire(); // back within the linger: no unsubscribe, no resubscribe
    await sleep(300);
    expect(await subscribers()).toBe(1);
    await publisher.publish(channel, 'two');
    releaseC();
    await sleep(500);
    expect(await subscribers()).toBe(0);
    await publisher.publish(channel, 'unheard');

    const releaseD = await listener.acquire();
    expect(await subscribers()).toBe(1);
    await publisher.publish(channel, 'three');
    for (let i = 0; i < 100 && got.length < 3; i++) await sleep(10);
    releaseD();
    expect(got).toEqual(['one', 'two', 'three']);
  });
});
