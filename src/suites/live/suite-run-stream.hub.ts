import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { type ExecutionStatusUpdate, parseUpdateMessage, peekExecutionId } from '../../executions/execution-update';
import { ExecutionUpdatePublisher } from '../../executions/execution-update.publisher';
import { admitLiveUpdate } from '../../executions/live/live-update-admission';
import { RedisChannelSubscriber } from '../../redis/redis-channel-subscriber';
import { SuiteRunStore } from '../runs/suite-run-store';
import type { SuiteRunView } from '../runs/suite-run-view';
import type { SuiteRunExecutionStarted, SuiteRunUpdate } from './suite-run-update';
import { SuiteRunUpdatePublisher } from './suite-run-update.publisher';

export type SuiteStreamEvent =
  | { type: 'snapshot'; data: SuiteRunView }
  | { type: 'update'; data: SuiteRunUpdate | SuiteRunExecutionStarted };
export type SuiteStreamSink = (event: SuiteStreamEvent) => void;

type Incoming = { kind: 'suite'; update: SuiteRunUpdate } | { kind: 'execution'; update: ExecutionStatusUpdate };

interface Subscription {
  suiteRunId: string;
  teamId: string;
  sink: SuiteStreamSink;
  /** Messages that arrived while the snapshot was being read; flushed after it through the filters. */
  buffer: Incoming[] | null;
  lastSeq: number;
  /** Per execution of the run: the last execution seq the client has seen (from the snapshot). */
  executionSeqs: Map<string, { seq: number; position: number; flowName: string }>;
}

/**
 * Fans suite-run updates out to this API instance's live clients, like ExecutionStreamHub does for
 * executions: a snapshot first, then only newer updates in `seq` order. The suite channel and the
 * executions channel arrive over the API instance's one live-stream subscriber connection (RedisChannelSubscriber), so an
 * execution's start (relayed from the executions channel) and its finish (suite channel) arrive in the
 * order they were published.
 * Messages naming another team are dropped, and a gap in the suite `seq` (a lost or forged update) is
 * answered with a fresh snapshot (see live-update-admission.ts).
 */
@Injectable()
export class SuiteRunStreamHub implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SuiteRunStreamHub.name);
  private readonly byRun = new Map<string, Set<Subscription>>();
  private readonly byExecution = new Map<string, Set<Subscription>>();
  private stopListening?: () => void;

  constructor(
    private readonly channels: RedisChannelSubscriber,
    private readonly publisher: SuiteRunUpdatePublisher,
    private readonly executionPublisher: ExecutionUpdatePublisher,
    private readonly store: SuiteRunStore,
  ) {}

  async onModuleInit(): Promise<void> {
    this.stopListening = await this.channels.listen([this.publisher.channel, this.executionPublisher.updatesChannel], (channel, message) => this.dispatch(channel, message));
  }

  onModuleDestroy(): void {
    this.stopListening?.();
  }

  /** Streams one suite run (already authorised for `teamId`) to `sink`; returns the function that stops it. */
  async subscribe(teamId: string, suiteRunId: string, sink: SuiteStreamSink): Promise<() => void> {
    const subscription: Subscription = { suiteRunId, teamId, sink, buffer: [], lastSeq: 0, executionSeqs: new Map() };
    // Items never change after the run is created, so the execution → run mapping is complete up front
    // and execution starts are buffered from now on, before the snapshot is read.
    const items = await this.store.itemsOf(suiteRunId);
    for (const item of items) subscription.executionSeqs.set(item.executionId, { seq: 0, position: item.position, flowName: item.flowName });
    add(this.byRun, suiteRunId, subscription);
    for (const item of items) add(this.byExecution, item.executionId, subscription);
    const unsubscribe = () => {
      remove(this.byRun, suiteRunId, subscription);
      for (const item of items) remove(this.byExecution, item.executionId, subscription);
    };
    let snapshot: SuiteRunView;
    try {
      snapshot = await this.store.view(teamId, suiteRunId);
    } catch (error) {
      unsubscribe();
      throw error;
    }
    this.sendSnapshot(subscription, snapshot);
    return unsubscribe;
  }

  activeSubscriptions(): number {
    let n = 0;
    for (const set of this.byRun.values()) n += set.size;
    return n;
  }

  private dispatch(channel: string, message: string): void {
    const peeked = channel === this.publisher.channel ? undefined : peekExecutionId(message);
    if (peeked !== undefined && !this.byExecution.has(peeked)) return; // not an execution of a watched run: skip the parse
    let incoming: Incoming[];
    try {
      incoming = channel === this.publisher.channel
        ? [{ kind: 'suite', update: JSON.parse(message) as SuiteRunUpdate }]
        : parseUpdateMessage(message).filter((u) => u?.updateType === 'EXECUTION_STARTED').map((update) => ({ kind: 'execution', update }));
    } catch {
      this.logger.warn('Ignoring a malformed live update');
      return;
    }
    for (const one of incoming) {
      const targets = one.kind === 'suite' ? this.byRun.get(one.update.suiteRunId) : this.byExecution.get(one.update.executionId);
      if (!targets) continue;
      for (const subscription of targets) this.route(subscription, one);
    }
  }

  private route(subscription: Subscription, incoming: Incoming): void {
    if (subscription.buffer) subscription.buffer.push(incoming);
    else this.deliver(subscription, incoming);
  }

  private deliver(subscription: Subscription, incoming: Incoming): void {
    if (incoming.kind === 'suite') {
      const admission = admitLiveUpdate(subscription, incoming.update);
      if (admission === 'resync') void this.resync(subscription);
      if (admission !== 'deliver') return;
      subscription.lastSeq = incoming.update.seq;
      subscription.sink({ type: 'update', data: incoming.update });
      return;
    }
    const update = incoming.update;
    // Execution seqs are not contiguous here (only starts are relayed): newer is enough, from the same team.
    if (update.teamId !== subscription.teamId) return;
    const known = subscription.executionSeqs.get(update.executionId);
    if (!known || typeof update.seq !== 'number' || update.seq <= known.seq) return;
    known.seq = update.seq;
    subscription.sink({
      type: 'update',
      data: {
        suiteRunId: subscription.suiteRunId,
        teamId: subscription.teamId,
        updateType: 'EXECUTION_STARTED',
        executionSeq: update.seq,
        execution: { executionId: update.executionId, position: known.position, flowName: known.flowName, status: update.executionStatus },
        at: update.at,
      },
    });
  }

  /** Replaces a gap in the suite updates with a fresh snapshot; messages arriving meanwhile are buffered. */
  private async resync(subscription: Subscription): Promise<void> {
    subscription.buffer = [];
    let snapshot: SuiteRunView | undefined;
    try {
      snapshot = await this.store.view(subscription.teamId, subscription.suiteRunId);
    } catch (error) {
      this.logger.warn({ err: error, suiteRunId: subscription.suiteRunId }, 'Could not re-read a suite run after a gap in its updates');
    }
    if (!snapshot || !this.byRun.get(subscription.suiteRunId)?.has(subscription)) {
      subscription.buffer = null; // the next update out of order tries again
      return;
    }
    this.sendSnapshot(subscription, snapshot);
  }

  private sendSnapshot(subscription: Subscription, snapshot: SuiteRunView): void {
    subscription.lastSeq = snapshot.seq;
    for (const item of snapshot.items) {
      const known = subscription.executionSeqs.get(item.executionId);
      if (known) known.seq = Math.max(known.seq, item.executionSeq);
    }
    subscription.sink({ type: 'snapshot', data: snapshot });
    const buffered = subscription.buffer!;
    subscription.buffer = null;
    // A gap among them starts another resync, which buffers the rest again.
    for (const message of buffered) this.route(subscription, message);
  }
}

function add(map: Map<string, Set<Subscription>>, key: string, subscription: Subscription): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(subscription);
}

function remove(map: Map<string, Set<Subscription>>, key: string, subscription: Subscription): void {
  const set = map.get(key);
  set?.delete(subscription);
  if (set && set.size === 0) map.delete(key);
}

export function isFinalSuiteEvent(event: SuiteStreamEvent): boolean {
  return event.type === 'snapshot' ? event.data.status !== 'IN_PROGRESS' : event.data.updateType === 'RUN_FINISHED';
}
