import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { RedisFactory } from '../../redis/redis.factory';
import { isTerminal } from '../execution-status';
import { type ExecutionStatusUpdate, peekExecutionId } from '../execution-update';
import { ExecutionUpdatePublisher } from '../execution-update.publisher';
import { ExecutionsRepository } from '../executions.repository';
import type { ExecutionView } from '../executions.service';

export type StreamEvent = { type: 'snapshot'; data: ExecutionView } | { type: 'update'; data: ExecutionStatusUpdate };
export type StreamSink = (event: StreamEvent) => void;

interface Subscription {
  sink: StreamSink;
  /** Updates that arrived while the snapshot was being read; flushed after it, filtered by seq. */
  buffer: ExecutionStatusUpdate[] | null;
  lastSeq: number;
}

/**
 * Fans the Redis update channel out to the live clients of this API instance (Socket.IO and SSE).
 * Each subscriber gets a snapshot first, then only updates newer than it, in sequence order — so a
 * client never misses or double-applies a change, whenever it joins.
 */
@Injectable()
export class ExecutionStreamHub implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ExecutionStreamHub.name);
  private readonly subscriptions = new Map<string, Set<Subscription>>();
  private subscriber: Redis;

  constructor(
    private readonly redisFactory: RedisFactory,
    private readonly publisher: ExecutionUpdatePublisher,
    private readonly repo: ExecutionsRepository,
  ) {}

  async onModuleInit(): Promise<void> {
    this.subscriber = this.redisFactory.create('execution-updates-sub');
    this.subscriber.on('message', (_channel: string, message: string) => this.dispatch(message));
    await this.subscriber.subscribe(this.publisher.updatesChannel);
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscriber?.quit().catch(() => undefined);
  }

  /** Streams one execution to `sink`; returns the function that stops it. */
  async subscribe(executionId: string, sink: StreamSink): Promise<() => void> {
    const subscription: Subscription = { sink, buffer: [], lastSeq: 0 };
    let set = this.subscriptions.get(executionId);
    if (!set) this.subscriptions.set(executionId, (set = new Set()));
    set.add(subscription);
    const unsubscribe = () => {
      set!.delete(subscription);
      if (set!.size === 0 && this.subscriptions.get(executionId) === set) this.subscriptions.delete(executionId);
    };
    const found = await this.repo.findWithSteps(executionId);
    if (!found) {
      unsubscribe();
      throw new Error('Execution not found');
    }
    const snapshot: ExecutionView = { ...found.execution, steps: found.steps };
    subscription.lastSeq = snapshot.seq;
    sink({ type: 'snapshot', data: snapshot });
    const buffered = subscription.buffer!.sort((a, b) => a.seq - b.seq);
    subscription.buffer = null;
    for (const update of buffered) this.deliver(subscription, update);
    return unsubscribe;
  }

  activeSubscriptions(): number {
    let n = 0;
    for (const set of this.subscriptions.values()) n += set.size;
    return n;
  }

  private dispatch(message: string): void {
    const peeked = peekExecutionId(message);
    if (peeked !== undefined && !this.subscriptions.has(peeked)) return; // nobody here watches it: skip the parse
    let update: ExecutionStatusUpdate;
    try {
      update = JSON.parse(message) as ExecutionStatusUpdate;
    } catch {
      this.logger.warn('Ignoring a malformed execution update');
      return;
    }
    const set = this.subscriptions.get(update.executionId);
    if (!set) return;
    for (const subscription of set) {
      if (subscription.buffer) subscription.buffer.push(update);
      else this.deliver(subscription, update);
    }
  }

  private deliver(subscription: Subscription, update: ExecutionStatusUpdate): void {
    if (update.seq <= subscription.lastSeq) return;
    subscription.lastSeq = update.seq;
    subscription.sink({ type: 'update', data: update });
  }
}

export function isFinalEvent(event: StreamEvent): boolean {
  return event.type === 'snapshot' ? isTerminal(event.data.status) : event.data.updateType === 'EXECUTION_FINISHED';
}
