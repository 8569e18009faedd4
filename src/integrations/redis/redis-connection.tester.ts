import { Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import type { ConnectionTestContext, ResourceConnectionTester } from '../../resources/resource-type';
import { ResourceType } from '../../resources/resource-type.decorator';
import { redisClientOptions, redisEgressTargets } from './redis-client-options';
import { REDIS_SECRETS, RedisResourceConfig } from './redis-resource-config.dto';

@ResourceType({
  type: 'redis',
  description: 'Redis server (URL or host/port, ACL user, TLS)',
  config: RedisResourceConfig,
  secrets: REDIS_SECRETS,
  addressFields: ['url', 'host', 'port'],
  egressTargets: (config) => redisEgressTargets(config as RedisResourceConfig),
  example: { host: 'cache.internal', port: 6379, db: 0, username: 'qa', password: 'change-me' },
})
@Injectable()
export class RedisConnectionTester implements ResourceConnectionTester<RedisResourceConfig> {
  async test(config: RedisResourceConfig, { signal, timeoutMs, egress }: ConnectionTestContext): Promise<Record<string, unknown>> {
    const client = new Redis({
      ...(await redisClientOptions(config, egress)),
      lazyConnect: true,
      connectTimeout: timeoutMs,
      commandTimeout: timeoutMs,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
      // disconnect() ends the socket politely and waits this long for the peer; a hung server never answers.
      disconnectTimeout: 100,
    });
    let lastError: Error | undefined;
    // ioredis emits connection errors as events; keep the last one for a better message than "Connection is closed".
    client.on('error', (error: Error) => (lastError = error));
    const abort = () => client.disconnect();
    signal.addEventListener('abort', abort, { once: true });
    try {
      await client.connect();
      const pong = await client.ping();
      const info = await client.info('server');
      return { reply: pong, serverVersion: /redis_version:(\S+)/.exec(info)?.[1] };
    } catch (error) {
      // "Connection is closed." hides the cause that the error event carried.
      throw lastError ?? error;
    } finally {
      signal.removeEventListener('abort', abort);
      client.disconnect();
    }
  }
}
