import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '../../config/app-config';
import { AppException } from '../../common/errors/app.exception';
import { ErrorCode } from '../../common/errors/error-code';
import { REDIS_CLIENT } from '../../redis/redis.constants';
import { RedisFactory } from '../../redis/redis.factory';

/**
 * Fixed-window login limiter in Redis, per email and per client IP, shared by every API instance.
 * Both counters grow on every attempt; a successful login clears the email counter only (an IP may
 * be shared by many users behind a NAT, and must not be reset by one of them).
 */
@Injectable()
export class LoginRateLimiter {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly keys: RedisFactory,
    private readonly config: AppConfig,
  ) {}

  async hit(email: string, ip: string): Promise<void> {
    const window = this.config.LOGIN_WINDOW_SEC;
    const results = await this.redis
      .multi()
      .incr(this.emailKey(email))
      .expire(this.emailKey(email), window, 'NX')
      .ttl(this.emailKey(email))
      .incr(this.ipKey(ip))
      .expire(this.ipKey(ip), window, 'NX')
      .ttl(this.ipKey(ip))
      .exec();
    const value = (i: number) => Number(results?.[i]?.[1] ?? 0);
    const emailCount = value(0);
    const ipCount = value(3);
    // An IP gets more room than a single account: several people may sign in from one office.
    const limited = emailCount > this.config.LOGIN_MAX_ATTEMPTS || ipCount > this.config.LOGIN_MAX_ATTEMPTS * 4;
    if (limited) {
      const retryAfterSec = Math.max(value(2), value(5), 1);
      throw new AppException(ErrorCode.RATE_LIMITED, `Too many login attempts; retry in ${retryAfterSec} s`, { retryAfterSec });
    }
  }

  async reset(email: string): Promise<void> {
    await this.redis.del(this.emailKey(email));
  }

  private emailKey(email: string): string {
    return this.keys.key('login', 'email', email.toLowerCase());
  }

  private ipKey(ip: string): string {
    return this.keys.key('login', 'ip', ip);
  }
}
