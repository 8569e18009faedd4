import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS_CLIENT } from '../redis/redis.constants';
import { RedisFactory } from '../redis/redis.factory';

export interface ResourceChange {
  resourceId: string;
  teamId: string;
  /** The new version, or null when the resource was deleted. */
  version: number | null;
}

type ChangeListener = (change: ResourceChange) => void;

/**
 * Tells every process (API and workers) that a resource changed, over the Redis channel
 * `${REDIS_PREFIX}:resources:changed`. The publishing process is notified synchronously, others via
 * pub/sub. After a reconnect of the subscriber, messages may have been missed: `onResync` listeners
 * must then forget everything they cached.
 */
@Injectable()
export class ResourceChangeBus implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('ResourceChangeBus');
  private readonly origin = randomUUID();
  private readonly channel: string;
  private readonly listeners = new Set<ChangeListener>();
  private readonly resyncListeners = new Set<() => void>();
  private subscriber?: Redis;

  constructor(
    private readonly redisFactory: RedisFactory,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {
    this.channel = redisFactory.key('resources', 'changed');
  }

  async onModuleInit(): Promise<void> {
    const subscriber = this.redisFactory.create('resources-changes');
    this.subscriber = subscriber;
    let subscribed = false;
    subscriber.on('error', () => undefined); // reconnects on its own; the 'ready' handler resyncs
    subscriber.on('ready', () => {
      if (subscribed) this.resync();
    });
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.receive(message);
    });
    await subscriber.subscribe(this.channel);
    subscribed = true;
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscriber?.quit().catch(() => undefined);
  }

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onResync(listener: () => void): () => void {
    this.resyncListeners.add(listener);
    return () => this.resyncListeners.delete(listener);
  }

  /** Notifies this process now and the others through Redis; a failed publish is logged, not thrown (the write already happened). */
  async publish(change: ResourceChange): Promise<void> {
    this.emit(change);
    try {
      await this.redis.publish(this.channel, JSON.stringify({ ...change, origin: this.origin }));
    } catch (error) {
      this.logger.warn(`Could not publish the change of resource ${change.resourceId}: ${(error as Error).message}; other processes see it when their cache expires`);
    }
  }

  private receive(message: string): void {
    let parsed: Partial<ResourceChange> & { origin?: string };
    try {
      parsed = JSON.parse(message);
    } catch {
      return;
    }
    if (parsed.origin === this.origin || typeof parsed.resourceId !== 'string' || typeof parsed.teamId !== 'string') return;
    this.emit({ resourceId: parsed.resourceId, teamId: parsed.teamId, version: typeof parsed.version === 'number' ? parsed.version : null });
  }

  private emit(change: ResourceChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        this.logger.error(`A resource change listener failed: ${(error as Error).message}`);
      }
    }
  }

  private resync(): void {
    this.logger.warn('Resource change subscription reconnected; dropping cached resources');
    for (const listener of this.resyncListeners) listener();
  }
}
