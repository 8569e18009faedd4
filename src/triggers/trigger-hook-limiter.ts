import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { AppException } from '../common/errors/app.exception';
import { ErrorCode } from '../common/errors/error-code';
import { REDIS_CLIENT } from '../redis/redis.constants';
import { RedisFactory } from '../redis/redis.factory';

const WINDOW_SEC = 60;

/**
 * Fixed one-minute window per trigger id in Redis (the login limiter's pattern), shared by every API
 * instance. Counted before the secret is checked, and for unknown ids too: guessing secrets is slowed,
 * and a 429 says nothing about whether the trigger exists.
 */
@Injectable()
export class TriggerHookLimiter {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly keys: RedisFactory,
    private readonly config: AppConfig,
  ) {}

  async hit(triggerId: string): Promise<void> {
    const key = this.keys.key('trigger-hook', triggerId.slice(0, 64));
    const results = await this.redis.multi().incr(key).expire(key, WINDOW_SEC, 'NX').ttl(key).exec();
    const count = Number(results?.[0]?.[1] ?? 0);
    if (count > this.config.TRIGGER_HOOK_MAX_PER_MIN) {
      const retryAfterSec = Math.max(Number(results?.[2]?.[1] ?? 1), 1);
      throw new AppException(ErrorCode.RATE_LIMITED, `Too many calls of this hook; retry in ${retryAfterSec} s`, { retryAfterSec });
    }
  }
}
