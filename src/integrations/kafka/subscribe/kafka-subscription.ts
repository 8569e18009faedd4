import type { Admin, Consumer, EachMessagePayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { untilAborted } from '../../../steps/shared/until-aborted';
import { StepError } from '../../../steps/step-plugin';
import type { ConsumedMessage, KafkaSubscribeStepConfig, KafkaSubscribeStepResult } from './kafka-subscribe-step.config';
import { KAFKA_SUBSCRIBE_DEFAULTS } from './kafka-subscribe-step.config';
import { createMessageMatcher, decodeMessageValue, type MessageMatcher } from '../../../steps/shared/message-matcher';
import { judgeMatch, judgeWindowEnd, unexpectedMatchError, type SearchExpectation } from '../../../steps/shared/subscribe-expectation';

/**
 * With expect "none" the window must end before the step timeout, with time left to disconnect and
 * hand the result over: a window cut short by the timeout has not been watched and cannot pass.
 */
export const EXPECT_NONE_CLOSING_MARGIN_MS = 1_000;

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
 * group and is positioned, `result` settles on the first match (or messageLimit matches), at the
 * timeout, or on abort — always after the consumer has disconnected.
 *
 * Positioning is what makes "subscribe, then trigger the producer" safe. A fresh group has no
 * committed offsets, and Kafka's "latest" would be resolved only at the first fetch, after `prepare`
 * returned: a message produced in between would be skipped. So the end offsets are read *before*
 * joining and the consumer seeks to them when it joins (kafkajs emits GROUP_JOIN before it fetches
 * anything): every message produced after `prepare` resolves has an offset at or past them.
 */
export class KafkaSubscription {
  readonly result: Promise<KafkaSubscribeStepResult>;
  private resolveResult!: (result: KafkaSubscribeStepResult) => void;
  private rejectResult!: (error: unknown) => void;
  private matcher: MessageMatcher | null = null;
  private matchAll = true;
  private readonly expect: SearchExpectation;
  private search: KafkaSubscribeStepConfig['searchPattern'];
  /** Messages kept while the pattern is not known yet (deferred match); null once matching has started. */
  private held: Array<{ partition: number; message: KafkaMessage }> | null = null;
  private readonly messageLimit: number;
  private readonly matches: ConsumedMessage[] = [];
  /** Next offset to examine per partition: the starting position, then past every examined message. */
  private readonly nextOffsets = new Map<number, bigint>();
  private scanned = 0;
  private consumer?: Consumer;
  private finished = false;
  private closing?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private waitMs = 0;
  private endsAtDeadline = false;
  private readonly onAbort = () => this.finish(this.abortError());

  constructor(private readonly options: SubscriptionOptions) {
    if (options.deferMatch) this.held = [];
    else this.useSearch(options.config.searchPattern);
    this.messageLimit = options.config.messageLimit ?? KAFKA_SUBSCRIBE_DEFAULTS.messageLimit;
    this.expect = options.config.expect ?? 'some';
    this.result = new Promise<KafkaSubscribeStepResult>((resolve, reject) => {
      this.resolveResult = resolve;
      this.rejectResult = reject;
    });
    // The engine may stop before awaiting the result (a failed flow); the rejection is not unhandled.
    this.result.catch(() => undefined);
  }

  async prepare(): Promise<void> {
    const { config, signal } = this.options;
    try {
      await untilAborted(this.ensureTopic(), signal);
      await untilAborted(this.readStartOffsets(), signal);
      await this.join();
    } catch (error) {
      this.finished = true;
      await this.close();
      throw this.describePrepareError(error);
    }
    const timeoutMs = config.timeoutMs ?? KAFKA_SUBSCRIBE_DEFAULTS.timeoutMs;
    const untilDeadline = this.options.deadline - Date.now();
    if (this.expect === 'none' && untilDeadline < timeoutMs + EXPECT_NONE_CLOSING_MARGIN_MS) {
      this.finished = true;
      await this.close();
      throw new StepError(
        `expect "none" must watch topic "${config.topic}" for its whole window (config.timeoutMs ${timeoutMs} ms), but the step timeout leaves ${Math.max(0, untilDeadline)} ms: set the step's timeoutMs at least ${EXPECT_NONE_CLOSING_MARGIN_MS} ms above config.timeoutMs, counting the time to subscribe`,
        { field: 'timeoutMs' },
      );
    }
    this.endsAtDeadline = untilDeadline < timeoutMs;
    this.waitMs = Math.max(0, Math.min(timeoutMs, untilDeadline));
    // A window that ended before matching started (deferred match) was not searched: it never passes, even with expect "none".
    this.timer = setTimeout(() => this.finish(this.held === null && judgeWindowEnd(this.expect, this.matches.length) === 'pass' ? undefined : this.timeoutError()), this.waitMs);
    if (signal.aborted) this.onAbort();
    else signal.addEventListener('abort', this.onAbort, { once: true });
  }

  /**
   * Deferred match: the pattern is known now. What was kept meanwhile is matched first, in arrival
   * order, then what arrives. The timeout still counts from `prepare`.
   */
  startMatching(search: KafkaSubscribeStepConfig['searchPattern']): void {
    if (this.held === null) return;
    this.useSearch(search);
    const held = this.held;
    this.held = null;
    for (const { partition, message } of held) {
      if (this.finished) break;
      this.match(partition, message);
    }
  }

  private useSearch(search: KafkaSubscribeStepConfig['searchPattern']): void {
    this.search = search;
    this.matcher = search ? createMessageMatcher(search) : null;
    // Without a pattern every message matches: collect up to messageLimit.
    this.matchAll = search ? search.matchAll === true : true;
  }

  /** Ends the subscription now (worker shutdown). */
  stop(reason: string): Promise<void> {
    this.finish(new StepError(`subscription to topic "${this.options.config.topic}" stopped: ${reason} (scanned ${this.scanned} messages, ${this.matches.length} matched)`));
    return this.close();
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
        this.finish(new StepError(`the consumer of topic "${config.topic}" on resource "${this.options.resourceName}" failed: ${error.message} (scanned ${this.scanned} messages)`));
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
    if (this.finished) return;
    const offset = BigInt(message.offset);
    const next = this.nextOffsets.get(partition);
    if (next !== undefined && offset < next) return; // delivered again after a seek or rejoin
    this.nextOffsets.set(partition, offset + 1n);
    this.scanned++;
    if (this.held !== null) {
      // Bounded like a result: a topic flooding faster than the trigger answers is cut at the limit.
      if (this.held.length < MAX_HELD_MESSAGES) this.held.push({ partition, message });
      return;
    }
    this.match(partition, message);
  }

  private match(partition: number, message: KafkaMessage): void {
    const headers = decodeHeaders(message.headers);
    if (this.matcher && !this.matcher(message.value === null ? null : message.value.toString('utf8'), headers).matched) return;
    this.matches.push(toConsumedMessage(partition, message, headers));
    // Not awaited here: a disconnect waits for this handler to return.
    const verdict = judgeMatch(this.expect, this.matches.length, { matchAll: this.matchAll, limit: this.messageLimit });
    if (verdict === 'pass') this.finish();
    else if (verdict === 'fail') this.finish(unexpectedMatchError(`message on topic "${this.options.config.topic}"${this.describeSearch()}`, this.matches, this.currentResult()));
  }

  private finish(error?: StepError): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.timer);
    this.options.signal.removeEventListener('abort', this.onAbort);
    // Paused partitions stop the batch in progress, so a chosen group commits nothing it did not examine.
    try {
      this.consumer?.pause([{ topic: this.options.config.topic }]);
    } catch {
      // not running yet: nothing to pause
    }
    const result = this.currentResult();
    void this.close().then(() => (error ? this.rejectResult(error) : this.resolveResult(result)));
  }

  private close(): Promise<void> {
    this.closing ??= (async () => {
      const { consumer } = this;
      if (consumer) {
        await consumer.disconnect().catch(() => undefined);
        this.options.onConsumer(consumer, false);
        // A fresh group is of no use to anyone after this run.
        if (this.options.freshGroup) await this.options.admin.deleteGroups([this.options.groupId]).catch(() => undefined);
      }
      await this.options.onClosed().catch(() => undefined);
    })();
    return this.closing;
  }

  private currentResult(): KafkaSubscribeStepResult {
    return { messages: this.matches, matchedCount: this.matches.length, scannedCount: this.scanned };
  }

  private timeoutError(): StepError {
    const { config } = this.options;
    const window = this.endsAtDeadline ? `before the step timeout (waited ${this.waitMs} ms)` : `within ${this.waitMs} ms`;
    return new StepError(`no message on topic "${config.topic}" ${this.describeWanted()} ${window}; scanned ${plural(this.scanned, 'message')}`, {
      reason: 'timeout',
      scannedCount: this.scanned,
    });
  }

  private abortError(): StepError {
    const reason = this.options.signal.reason as { name?: string; message?: string } | undefined;
    const counts = `scanned ${plural(this.scanned, 'message')}, ${this.matches.length} matched`;
    if (reason?.name === 'TimeoutError') {
      return new StepError(`timed out: no message on topic "${this.options.config.topic}" ${this.describeWanted()} before the step timeout; ${counts}`, {
        reason: 'timeout',
        scannedCount: this.scanned,
      });
    }
    return new StepError(`subscription to topic "${this.options.config.topic}" cancelled (${reason?.message ?? String(reason)}); ${counts}`, { reason: 'aborted' });
  }

  /** " that matched JSONPath …" / " that contained \"…\"" / "" without a pattern. */
  private describeSearch(): string {
    const search = this.search;
    return search ? ` that ${this.describeWanted()}` : '';
  }

  private describeWanted(): string {
    if (this.held !== null) return `arrived that could be matched (matching had not started: the steps its searchPattern reads had not finished; ${this.held.length} kept)`;
    const search = this.search;
    if (!search) return 'arrived';
    if (search.matchType === 'header') return `had header ${search.header}: "${search.pattern}"`;
    return search.matchType === 'exact' || search.matchType === 'contains' ? `contained "${search.pattern}"` : `matched JSONPath ${search.pattern}`;
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

/** Most messages a deferred subscription keeps before its pattern is known. */
const MAX_HELD_MESSAGES = 10_000;

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

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
