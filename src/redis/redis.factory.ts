import { Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';

/** Creates ioredis connections to the configured Redis; callers own (and quit) what they create. */
@Injectable()
export class RedisFactory {
  constructor(private readonly config: AppConfig) {}

  create(name: string, options: { forBullMq?: boolean; autoPipelining?: boolean } = {}): Redis {
    return new Redis(this.config.REDIS_URL, {
      // Commands issued in the same tick leave in one write: a socket write costs ~85 µs here, and the
      // engine publishes two updates per step back to back (bench/RESULTS.md, P3). Not for BullMQ or
      // subscriber connections, which own their command streams.
      enableAutoPipelining: !!options.autoPipelining && !options.forBullMq,
      connectionName: `ats-${this.config.APP_MODE}-${name}`,
      // BullMQ requires null (it manages its own blocking commands); elsewhere fail fast instead of queueing forever.
      maxRetriesPerRequest: options.forBullMq ? null : 3,
      enableOfflineQueue: true,
    });
  }

  /** Prefixes a key or channel name with this deployment's namespace. */
  key(...parts: string[]): string {
    return [this.config.REDIS_PREFIX, ...parts].join(':');
  }
}
