import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { REDIS_CLIENT } from './redis.constants';
import { RedisChannelSubscriber } from './redis-channel-subscriber';
import { RedisFactory } from './redis.factory';

@Global()
@Module({
  providers: [
    RedisFactory,
    RedisChannelSubscriber,
    { provide: REDIS_CLIENT, inject: [RedisFactory], useFactory: (factory: RedisFactory) => factory.create('commands', { autoPipelining: true }) },
  ],
  exports: [REDIS_CLIENT, RedisFactory, RedisChannelSubscriber],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}
