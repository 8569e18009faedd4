import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppException } from '../common/errors/app.exception';
import { ErrorCode } from '../common/errors/error-code';
import { AppConfig } from '../config/app-config';
import { REDIS_CLIENT } from '../redis/redis.constants';
import { RedisFactory } from '../redis/redis.factory';

const WINDOW_MS = 60_000;

/**
 * Per-team limit on starting runs (flow runs and suite runs together): TEAM_RUN_RATE_PER_MIN per
 * fixed one-minute window, counted in Redis so every API instance shares it. One round trip (a
 * MULTI of INCR, PEXPIRE NX, PTTL), the same shape as the login limiter. Over the limit: 429 with
 * Retry-After (the filter sets it from retryAfterSec) — before anything is written.
 */
@Injectable()
export class TeamRunRateLimiter {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly keys: RedisFactory,
    private readonly config: AppConfig,
  ) {}

  /** The window's length, for clients showing where a team stands. */
  readonly windowSec = WINDOW_MS / 1000;

  /**
   * Counts `runs` new runs of the team (a batch counts each of its runs). A refused batch gives its
   * runs back, so a batch too big for what is left of the window does not use up that rest.
   */
  async hit(teamId: string, runs = 1): Promise<void> {
    const key = this.key(teamId);
    const results = await this.redis.multi().incrby(key, runs).pexpire(key, WINDOW_MS, 'NX').pttl(key).exec();
    const count = Number(results?.[0]?.[1] ?? 0);
    const limit = this.config.TEAM_RUN_RATE_PER_MIN;
    if (count > limit) {
      if (runs > 1) await this.redis.decrby(key, runs);
      const retryAfterSec = Math.max(1, Math.ceil(Number(results?.[2]?.[1] ?? WINDOW_MS) / 1000));
      const what = runs > 1 ? `${runs} more runs would take the team past ${limit} runs this minute` : `The team started more than ${limit} runs this minute`;
      throw new AppException(ErrorCode.RATE_LIMITED, `${what} (TEAM_RUN_RATE_PER_MIN); retry in ${retryAfterSec} s`, {
        retryAfterSec,
      });
    }
  }

  /** Runs the team started in the current window and seconds until it ends (0 runs, no window: none started lately). Reads only. */
  async current(teamId: string): Promise<{ runs: number; resetsInSec: number }> {
    const key = this.key(teamId);
    const results = await this.redis.multi().get(key).pttl(key).exec();
    const runs = Number(results?.[0]?.[1] ?? 0);
    const ttlMs = Number(results?.[1]?.[1] ?? -2);
    return { runs, resetsInSec: runs > 0 && ttlMs > 0 ? Math.ceil(ttlMs / 1000) : 0 };
  }

  private key(teamId: string): string {
    return this.keys.key('rate', 'team-runs', teamId);
  }
}
