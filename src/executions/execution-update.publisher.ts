import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS_CLIENT } from '../redis/redis.constants';
import { RedisFactory } from '../redis/redis.factory';
import { EXECUTION_CANCEL_CHANNEL, EXECUTION_UPDATES_CHANNEL, type ExecutionStatusUpdate } from './execution-update';

/**
 * Redis pub/sub carries updates from workers to every API instance (and cancel requests from the API
 * to every worker). Plain ioredis PUBLISH rather than @nestjs/microservices: one channel, fire-and-
 * forget, and subscribers need the raw message order, which a request/response transport adds nothing to.
 */
@Injectable()
export class ExecutionUpdatePublisher {
  private readonly observers: Array<(update: ExecutionStatusUpdate) => void> = [];

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly keys: RedisFactory,
  ) {}

  get updatesChannel(): string {
    return this.keys.key(EXECUTION_UPDATES_CHANNEL);
  }

  get cancelChannel(): string {
    return this.keys.key(EXECUTION_CANCEL_CHANNEL);
  }

  /**
   * In-process observers of every update this process publishes (the worker's metrics), so they need
   * not be threaded through the engine. Called synchronously: an observer must be cheap and not throw.
   */
  observe(observer: (update: ExecutionStatusUpdate) => void): void {
    this.observers.push(observer);
  }

  /**
   * Publishes one execution's updates, in order, as one message (an array when there are several: see
   * parseUpdateMessage): one PUBLISH, and one message for every API instance to route, per stored batch.
   */
  async publishBatch(updates: readonly ExecutionStatusUpdate[]): Promise<void> {
    if (!updates.length) return;
    for (const update of updates) for (const observer of this.observers) observer(update);
    // A lost live update must not fail the run: the database row is the source of truth and a
    // client (re)joining gets a fresh snapshot.
    const message = JSON.stringify(updates.length === 1 ? updates[0] : updates);
    await this.redis.publish(this.updatesChannel, message).catch(() => undefined);
  }

  async requestCancel(executionId: string): Promise<void> {
    await this.redis.publish(this.cancelChannel, executionId);
  }
}
