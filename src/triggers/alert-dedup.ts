import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS_CLIENT } from '../redis/redis.constants';
import { RedisFactory } from '../redis/redis.factory';

/**
 * "This alert already started this rule's run": one Redis key per trigger × rule × fingerprint, set
 * with NX and the trigger's window as expiry, so two API instances receiving the same notification at
 * once (Alertmanager HA pairs both send) start one run between them.
 */
@Injectable()
export class AlertDedup {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly keys: RedisFactory,
  ) {}

  /** True when this call claimed the alert (start the run); false when it was seen within the window. */
  async claim(triggerId: string, rule: number, fingerprint: string, windowSec: number): Promise<boolean> {
    if (windowSec <= 0) return true;
    return (await this.redis.set(this.key(triggerId, rule, fingerprint), '1', 'EX', windowSec, 'NX')) === 'OK';
  }

  /** Gives the claim back when the run could not start, so the next notification of the alert tries again. */
  async release(triggerId: string, rule: number, fingerprint: string): Promise<void> {
    await this.redis.del(this.key(triggerId, rule, fingerprint));
  }

  private key(triggerId: string, rule: number, fingerprint: string): string {
    return this.keys.key('trigger-dedup', triggerId, String(rule), fingerprint.slice(0, 200));
  }
}
