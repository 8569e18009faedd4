import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '../../config/app-config';
import { AppException } from '../../common/errors/app.exception';
import { ErrorCode } from '../../common/errors/error-code';
import { REDIS_CLIENT } from '../../redis/redis.constants';
import { RedisFactory } from '../../redis/redis.factory';

/**
 * Fixed-window login limiter in Redis, per email and per client IP, shared by every API instance; it
 * also limits registrations per client IP.
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
    // An IP gets more room than a single account (LOGIN_MAX_PER_IP): several people may sign in from one office.
    await this.count('login', [
      { key: this.emailKey(email), max: this.config.LOGIN_MAX_ATTEMPTS },
      { key: this.ipKey('login', ip), max: this.config.LOGIN_MAX_PER_IP },
    ]);
  }

  /** Registrations per client IP (LOGIN_MAX_PER_IP per window, counted apart from logins): slows account farming and email probing. */
  async hitRegistration(ip: string): Promise<void> {
    await this.count('registration', [{ key: this.ipKey('register', ip), max: this.config.LOGIN_MAX_PER_IP }]);
  }

  private async count(what: string, counters: { key: string; max: number }[]): Promise<void> {
    const window = this.config.LOGIN_WINDOW_SEC;
    const multi = this.redis.multi();
    for (const { key } of counters) multi.incr(key).expire(key, window, 'NX').ttl(key);
    const results = await multi.exec();
    const value = (i: number) => Number(results?.[i]?.[1] ?? 0);
    const limited = counters.some(({ max }, i) => value(i * 3) > max);
    if (limited) {
      const retryAfterSec = Math.max(...counters.map((_, i) => value(i * 3 + 2)), 1);
      throw new AppException(ErrorCode.RATE_LIMITED, `Too many ${what} attempts; retry in ${retryAfterSec} s`, { retryAfterSec });
    }
  }

  async reset(email: string): Promise<void> {
    await this.redis.del(this.emailKey(email));
  }

  private emailKey(email: string): string {
    return this.keys.key('login', 'email', email.toLowerCase());
  }

  private ipKey(scope: 'login' | 'register', ip: string): string {
    return this.keys.key(scope, 'ip', ip);
  }
}
