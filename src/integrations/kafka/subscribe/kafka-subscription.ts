import type { Admin, Consumer, EachMessagePayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { decodeMessageValue } from '../../../steps/shared/message-matcher';
import { MessageSearch, type MessageSearchPattern } from '../../../steps/shared/message-search';
import { untilAborted } from '../../../steps/shared/until-aborted';
import { StepError } from '../../../steps/step-plugin';
import type { ConsumedMessage, KafkaSubscribeStepConfig, KafkaSubscribeStepResult } from './kafka-subscribe-step.config';

export interface SubscriptionOptions {
  kafka: Kafka;
  /** Connected admin client of the resource (pooled; not owned by the subscription). */
  admin: Admin;
  groupId: string;
  /** A group made for this execution: never committed to, deleted at the end. */
  freshGroup: boolean;
  config: KafkaSubscribeStepConfig;
  signal: AbortSignal;
  deadline: number;
  resourceName: string;
  /**
   * The searchPattern comes later (deferred match, `startMatching`): until then every message that
   * arrives is kept, unexamined, so a message produced before the pattern is known is still matched.
   */
  deferMatch?: boolean;
  /** Told when a consumer is created and when it has disconnected (leak accounting). */
  onConsumer(consumer: Consumer, alive: boolean): void;
  /** Runs once after the consumer has disconnected, whatever the outcome. */
  onClosed(): Promise<void>;
}

/**
 * One subscription of a kafka-subscribe step: `prepare()` resolves once the consumer has joined its
 * group and is positioned; the matching, the window and the result are the shared `MessageSearch`'s
 * (`result` settles always after the consumer has disconnected). What is Kafka's stays here: the
 * topic, the start offsets, the group, offsets delivered twice, and closing.
 *
 * Positioning is what makes "subscribe, then trigger the producer" safe. A fresh group has no
 * committed offsets, and Kafka's "latest" would be resolved only at the first fetch, after `prepare`
 * returned: a message produced in between would be skipped. So the end offsets are read *before*
 * joining and the consumer seeks to them when it joins (kafkajs emits GROUP_JOIN before it fetches
 * anything): every message produced after `prepare` resolves has an offset at or past them.
 */
export class KafkaSubscription {
  private readonly search: MessageSearch<ConsumedMessage>;
  /** Next offset to examine per partition: the starting position, then past every examined message. */
  private readonly nextOffsets = new Map<number, bigint>();
  private consumer?: Consumer;
  private closing?: Promise<void>;

  constructor(private readonly options: SubscriptionOptions) {
    this.search = new MessageSearch<ConsumedMessage>({
      config: options.config,
      source: `topic "${options.config.topic}"`,
      signal: options.signal,
      deadline: options.deadline,
      deferMatch: options.deferMatch,
      close: () => this.close(),
    });
  }

  get result(): Promise<KafkaSubscribeStepResult> {
    return this.search.result;
  }

  async prepare(): Promise<void> {
    const { signal } = this.options;
    try {
      await untilAborted(this.ensureTopic(), signal);
      await untilAborted(this.readStartOffsets(), signal);
      await this.join();
    } catch (error) {
      await this.close();
      throw this.describePrepareError(error);
    }
    await this.search.start();
  }

  /** Deferred match: the pattern is known now; what was kept meanwhile is matched first. The window still counts from `prepare`. */
  startMatching(search: MessageSearchPattern | undefined): void {
    this.search.startMatching(search);
  }

  /** Ends the subscription now (worker shutdown). */
  stop(reason: string): Promise<void> {
    return this.search.stop(reason);
  }

  /** kafkajs on KRaft fails to subscribe to a missing topic instead of creating it. */
  private async ensureTopic(): Promise<void> {
    const { admin, config } = this.options;
    if ((await admin.listTopics()).includes(config.topic)) return;
    await admin.createTopics({ topics: [{ topic: config.topic }], waitForLeaders: true });
  }

  /**
   * Where to start when not reading from the beginning: the current end of each partition, for a fresh
   * group and for the partitions a chosen group has never committed; a chosen group's committed
   * offsets are kept (kafkajs resumes from them).
   */
  private async readStartOffsets(): Promise<void> {
    const { admin, config, groupId, freshGroup } = this.options;
    if (config.fromBeginning) return;
    const ends = await admin.fetchTopicOffsets(config.topic);
    let uncommitted: Set<number> | undefined;
    if (!freshGroup) {
      const committed = await admin.fetchOffsets({ groupId, topics: [config.topic] });
      uncommitted = new Set(committed.flatMap((t) => t.partitions).filter((p) => p.offset === '-1').map((p) => p.partition));
    }
    for (const end of ends) {
      if (!uncommitted || uncommitted.has(end.partition)) this.nextOffsets.set(end.partition, BigInt(end.high));
    }
  }

  private async join(): Promise<void> {
    const { kafka, config, groupId, freshGroup, signal } = this.options;
    const consumer = kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      // Short fetch waits keep disconnects quick (a stop waits for the fetch in flight).
      maxWaitTimeInMs: 250,
      // Rebalances of a chosen group (another run leaving) complete within a heartbeat of every member.
      heartbeatInterval: 1000,
      // A crash ends the step instead of silently restarting (a restart would re-resolve offsets).
      retry: { retries: 5, restartOnFailure: async () => false },
    });
    this.consumer = consumer;
    this.options.onConsumer(consumer, true);
    const joined = new Promise<void>((resolve, reject) => {
      consumer.on(consumer.events.GROUP_JOIN, (event) => {
        // Also after a rejoin (rebalance, lost membership): resume exactly where this step was.
        this.seekAssigned(consumer, event.payload.memberAssignment[config.topic] ?? []);
        resolve();
      });
      consumer.on(consumer.events.CRASH, (event) => {
        const error = event.payload.error;
        reject(error);
        this.search.fail(`the consumer of topic "${config.topic}" on resource "${this.options.resourceName}" failed: ${error.message}`);
      });
    });
    joined.catch(() => undefined);
    await untilAborted(consumer.connect(), signal);
    await untilAborted(consumer.subscribe({ topics: [config.topic], fromBeginning: config.fromBeginning === true }), signal);
    // run() returns once the group is joined (or the join failed: then CRASH rejected `joined`).
    await untilAborted(consumer.run({ autoCommit: !freshGroup, eachMessage: (payload) => this.examine(payload) }), signal);
    await untilAborted(joined, signal);
  }

  private seekAssigned(consumer: Consumer, partitions: number[]): void {
    for (const partition of partitions) {
      const next = this.nextOffsets.get(partition);
      if (next !== undefined) consumer.seek({ topic: this.options.config.topic, partition, offset: next.toString() });
    }
  }

  private async examine({ partition, message }: EachMessagePayload): Promise<void> {
    if (this.search.isFinished) return;
    const offset = BigInt(message.offset);
    const next = this.nextOffsets.get(partition);
    if (next !== undefined && offset < next) return; // delivered again after a seek or rejoin
    this.nextOffsets.set(partition, offset + 1n);
    const headers = decodeHeaders(message.headers);
    // Not awaited: a disconnect (the search closing on a match) waits for this handler to return.
    this.search.offer({
      text: message.value === null ? null : message.value.toString('utf8'),
      headers,
      toResult: () => toConsumedMessage(partition, message, headers),
    });
  }

  /** Called once by the search (or by a failed `prepare`), whatever the outcome. */
  private close(): Promise<void> {
    this.closing ??= (async () => {
      const { consumer } = this;
      if (consumer) {
        // Paused partitions stop the batch in progress, so a chosen group commits nothing it did not examine.
        try {
          consumer.pause([{ topic: this.options.config.topic }]);
        } catch {
          // not running yet: nothing to pause
        }
        await consumer.disconnect().catch(() => undefined);
        this.options.onConsumer(consumer, false);
        // A fresh group is of no use to anyone after this run.
        if (this.options.freshGroup) await this.options.admin.deleteGroups([this.options.groupId]).catch(() => undefined);
      }
      await this.options.onClosed().catch(() => undefined);
    })();
    return this.closing;
  }

  private describePrepareError(error: unknown): StepError {
    if (error instanceof StepError) return error;
    const { config, resourceName, signal } = this.options;
    if (signal.aborted) {
      const reason = signal.reason as { name?: string; message?: string } | undefined;
      return reason?.name === 'TimeoutError'
        ? new StepError(`timed out while subscribing to topic "${config.topic}" on resource "${resourceName}" (joining the consumer group took longer than the step timeout)`)
        : new StepError(`subscription to topic "${config.topic}" cancelled before it was ready (${reason?.message ?? String(reason)})`, { reason: 'aborted' });
    }
    const e = error as { message?: string; type?: string };
    return new StepError(`cannot subscribe to topic "${config.topic}" on resource "${resourceName}": ${e.message ?? String(error)}${e.type ? ` [${e.type}]` : ''}`);
  }
}

function toConsumedMessage(partition: number, message: KafkaMessage, headers: Record<string, string | string[]>): ConsumedMessage {
  return {
    key: message.key === null || message.key === undefined ? null : message.key.toString('utf8'),
    value: decodeMessageValue(message.value),
    headers,
    partition,
    offset: message.offset,
    timestamp: new Date(Number(message.timestamp)).toISOString(),
  };
}

function decodeHeaders(headers: IHeaders | undefined): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.map((item) => item.toString()) : value.toString();
  }
  return out;
}
