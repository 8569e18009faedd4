import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { RedisChannelSubscriber } from '../../redis/redis-channel-subscriber';
import { correlationOf } from '../execution-correlation';
import { executionLinks } from '../execution-links';
import { isTerminal } from '../execution-status';
import { type ExecutionStatusUpdate, parseUpdateMessage, peekExecutionId } from '../execution-update';
import { ExecutionUpdatePublisher } from '../execution-update.publisher';
import { ExecutionsRepository } from '../executions.repository';
import type { ExecutionView } from '../executions.service';
import { admitLiveUpdate } from './live-update-admission';

export type StreamEvent = { type: 'snapshot'; data: ExecutionView } | { type: 'update'; data: ExecutionStatusUpdate };
export type StreamSink = (event: StreamEvent) => void;

interface Subscription {
  executionId: string;
  sink: StreamSink;
  /** Updates that arrived while a snapshot was being read; flushed after it, filtered by seq. */
  buffer: ExecutionStatusUpdate[] | null;
  lastSeq: number;
  /** The execution's team, from the snapshot: updates naming another team are dropped. */
  teamId: string;
}

/**
 * Fans the Redis update channel out to the live clients of this API instance (Socket.IO and SSE).
 * Each subscriber gets a snapshot first, then only updates newer than it, in sequence order — so a
 * client never misses or double-applies a change, whenever it joins. Updates are checked against the
 * database's view (team, next seq; see live-update-admission.ts), so a lost or forged update costs a
 * fresh snapshot, never a frozen view.
 */
@Injectable()
export class ExecutionStreamHub implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ExecutionStreamHub.name);
  private readonly subscriptions = new Map<string, Set<Subscription>>();
  private stopListening?: () => void;

  constructor(
    private readonly channels: RedisChannelSubscriber,
    private readonly publisher: ExecutionUpdatePublisher,
    private readonly repo: ExecutionsRepository,
    private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    this.stopListening = await this.channels.listen([this.publisher.updatesChannel], (_channel, message) => this.dispatch(message));
  }

  onModuleDestroy(): void {
    this.stopListening?.();
  }

  /** Streams one execution to `sink`; returns the function that stops it. */
  async subscribe(executionId: string, sink: StreamSink): Promise<() => void> {
    const subscription: Subscription = { executionId, sink, buffer: [], lastSeq: 0, teamId: '' };
    let set = this.subscriptions.get(executionId);
    if (!set) this.subscriptions.set(executionId, (set = new Set()));
    set.add(subscription);
    const unsubscribe = () => {
      set!.delete(subscription);
      if (set!.size === 0 && this.subscriptions.get(executionId) === set) this.subscriptions.delete(executionId);
    };
    const snapshot = await this.readSnapshot(executionId);
    if (!snapshot) {
      unsubscribe();
      throw new Error('Execution not found');
    }
    this.sendSnapshot(subscription, snapshot);
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
    let updates: ExecutionStatusUpdate[];
    try {
      updates = parseUpdateMessage(message);
    } catch {
      this.logger.warn('Ignoring a malformed execution update');
      return;
    }
    for (const update of updates) {
      const set = this.subscriptions.get(update?.executionId);
      if (!set) continue;
      for (const subscription of set) this.route(subscription, update);
    }
  }

  private deliver(subscription: Subscription, update: ExecutionStatusUpdate): void {
    switch (admitLiveUpdate(subscription, update)) {
      case 'deliver':
        subscription.lastSeq = update.seq;
        subscription.sink({ type: 'update', data: update });
        return;
      case 'resync':
        void this.resync(subscription);
        return;
      case 'drop':
        return;
    }
  }

  /** Replaces a gap in the updates with a fresh snapshot; updates arriving meanwhile are buffered. */
  private async resync(subscription: Subscription): Promise<void> {
    subscription.buffer = [];
    let snapshot: ExecutionView | undefined;
    try {
      snapshot = await this.readSnapshot(subscription.executionId);
    } catch (error) {
      this.logger.warn({ err: error, executionId: subscription.executionId }, 'Could not re-read an execution after a gap in its updates');
    }
    if (!snapshot || !this.subscriptions.get(subscription.executionId)?.has(subscription)) {
      subscription.buffer = null; // the next update out of order tries again
      return;
    }
    this.sendSnapshot(subscription, snapshot);
  }

  private async readSnapshot(executionId: string): Promise<ExecutionView | undefined> {
    const found = await this.repo.findWithSteps(executionId);
    if (!found) return undefined;
    const ids = correlationOf(found.execution);
    return { ...found.execution, ...ids, steps: found.steps, links: executionLinks(ids, this.config.TRACE_VIEWER_URL_TEMPLATE) };
  }

  private sendSnapshot(subscription: Subscription, snapshot: ExecutionView): void {
    subscription.teamId = snapshot.teamId;
    subscription.lastSeq = snapshot.seq;
    subscription.sink({ type: 'snapshot', data: snapshot });
    const buffered = subscription.buffer!.sort((a, b) => a.seq - b.seq);
    subscription.buffer = null;
    // A gap among them starts another resync, which buffers the rest again.
    for (const update of buffered) this.route(subscription, update);
  }

  private route(subscription: Subscription, update: ExecutionStatusUpdate): void {
    if (subscription.buffer) subscription.buffer.push(update);
    else this.deliver(subscription, update);
  }
}

export function isFinalEvent(event: StreamEvent): boolean {
  return event.type === 'snapshot' ? isTerminal(event.data.status) : event.data.updateType === 'EXECUTION_FINISHED';
}
