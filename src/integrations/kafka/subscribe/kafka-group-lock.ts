import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import { abortableSleep } from '../../../steps/abortable-sleep';
import { StepError } from '../../../steps/step-plugin';

/** Deletes the key only while it still holds our token (a lock that expired and was taken by another run stays theirs). */
const RELEASE_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
/** Extends the expiry only while the key still holds our token. */
const EXTEND_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

export interface HeldLock {
  release(): Promise<void>;
}

export interface LockWait {
  /** Epoch ms after which waiting gives up. */
  deadline: number;
  signal: AbortSignal;
}

/**
 * One run at a time per user-chosen consumer group and topic, across every worker: two runs in one
 * group would split the partitions and each miss the other's messages. `SET NX PX` with a random
 * token; the holder extends the expiry while it runs, so a crashed worker's lock lapses after `ttlMs`.
 */
export class KafkaGroupLock {
  constructor(
    private readonly redis: Redis,
    private readonly keyOf: (group: string, topic: string) => string,
    private readonly options: { ttlMs: number; pollMs: number } = { ttlMs: 30_000, pollMs: 200 },
  ) {}

  async acquire(group: string, topic: string, wait: LockWait): Promise<HeldLock> {
    const key = this.keyOf(group, topic);
    const token = randomUUID();
    const started = Date.now();
    for (;;) {
      if ((await this.redis.set(key, token, 'PX', this.options.ttlMs, 'NX')) === 'OK') return this.held(key, token);
      const remaining = wait.deadline - Date.now();
      if (wait.signal.aborted && (wait.signal.reason as Error | undefined)?.name !== 'TimeoutError') {
        throw new StepError(`cancelled after waiting ${Date.now() - started} ms for consumer group "${group}" on topic "${topic}", which another run is using`, {
          reason: 'aborted',
        });
      }
      if (remaining <= 0 || wait.signal.aborted) {
        throw new StepError(
          `consumer group "${group}" on topic "${topic}" is in use by another run; waited ${Date.now() - started} ms (until the step deadline) for it to be released. ` +
            'Leave consumerGroup empty to use a fresh group per execution.',
          { reason: 'group-locked', group, topic },
        );
      }
      await abortableSleep(Math.min(this.options.pollMs, remaining), wait.signal).catch(() => undefined);
    }
  }

  private held(key: string, token: string): HeldLock {
    const timer = setInterval(() => {
      void this.redis.eval(EXTEND_SCRIPT, 1, key, token, String(this.options.ttlMs)).catch(() => undefined);
    }, Math.max(100, Math.floor(this.options.ttlMs / 3)));
    timer.unref();
    let released: Promise<void> | undefined;
    return {
      release: () => {
        released ??= (async () => {
          clearInterval(timer);
          await this.redis.eval(RELEASE_SCRIPT, 1, key, token).catch(() => undefined);
        })();
        return released;
      },
    };
  }
}
