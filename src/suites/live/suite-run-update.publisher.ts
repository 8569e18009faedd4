import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS_CLIENT } from '../../redis/redis.constants';
import { RedisFactory } from '../../redis/redis.factory';
import { SUITE_RUN_UPDATES_CHANNEL, type SuiteRunUpdate } from './suite-run-update';

/** Plain Redis PUBLISH, like ExecutionUpdatePublisher: best-effort live updates, the database is the truth. */
@Injectable()
export class SuiteRunUpdatePublisher {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly keys: RedisFactory,
  ) {}

  get channel(): string {
    return this.keys.key(SUITE_RUN_UPDATES_CHANNEL);
  }

  async publish(update: SuiteRunUpdate): Promise<void> {
    await this.redis.publish(this.channel, JSON.stringify(update)).catch(() => undefined);
  }
}
