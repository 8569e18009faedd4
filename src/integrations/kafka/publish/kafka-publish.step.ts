import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { CompressionTypes, Kafka, type Message, type Producer, type RecordMetadata } from 'kafkajs';
import { EgressService } from '../../../egress/egress.service';
import type { ClientLease, ClientPool } from '../../../resources/client-pool';
import { untilAborted } from '../../../steps/shared/until-aborted';
import { StepClientPools } from '../../../steps/step-client-pools';
import { StepError, type StepContext, type StepResource, type StepRunner } from '../../../steps/step-plugin';
import { StepPlugin } from '../../../steps/step-plugin.decorator';
import { addCorrelationHeaders, SENT_CORRELATION_SCHEMA, type SentCorrelation } from '../../../steps/shared/correlation-headers';
import { KafkaResourceConfig } from '../kafka-resource-config.dto';
import { kafkaStepClientConfig } from '../kafka-step-client-config';
import { KafkaPublishStepConfig, type KafkaPublishMessage, type KafkaPublishStepResult, type PublishedMessage } from './kafka-publish-step.config';

@StepPlugin({
  type: 'kafka-publish',
  description:
    'Publishes messages to a Kafka topic (key, value, headers, partition); JSON values are sent as JSON text. The result holds each message\'s partition, offset and timestamp.',
  config: KafkaPublishStepConfig,
  resource: KafkaResourceConfig,
  resultSchema: {
    type: 'object',
    properties: {
      messages: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            topic: { type: 'string' },
            partition: { type: ['integer', 'null'] },
            offset: { type: ['string', 'null'], description: '64-bit offset as a decimal string; null with acks 0' },
            timestamp: { type: 'string', format: 'date-time' },
            sent: SENT_CORRELATION_SCHEMA,
          },
          required: ['topic', 'partition', 'offset', 'timestamp'],
        },
      },
    },
  },
})
@Injectable()
export class KafkaPublishStep implements StepRunner<KafkaPublishStepConfig, KafkaPublishStepResult, KafkaResourceConfig>, OnModuleDestroy {
  private readonly producers: ClientPool<Producer, StepResource<KafkaResourceConfig>>;

  constructor(pools: StepClientPools, egress: EgressService) {
    this.producers = pools.create<Producer, KafkaResourceConfig>({
      create: async (resource) => {
        const producer = new Kafka(await kafkaStepClientConfig(resource, egress)).producer({ allowAutoTopicCreation: true });
        await producer.connect();
        return producer;
      },
      close: (producer) => producer.disconnect(),
    });
  }

  async run(ctx: StepContext<KafkaPublishStepConfig, KafkaResourceConfig>): Promise<KafkaPublishStepResult> {
    const resource = ctx.resource;
    const { topic, messages } = ctx.config;
    const acquiring = this.producers.acquire(resource);
    let lease: ClientLease<Producer>;
    try {
      lease = await untilAborted(acquiring, ctx.signal);
    } catch (error) {
      // A producer still connecting after an abort must be handed back, or it would never be idle-closed.
      if (ctx.signal.aborted) void acquiring.then((late) => late.release(), () => undefined);
      throw describeKafkaError(error, ctx, `cannot connect to Kafka on resource "${resource.name}"`);
    }
    try {
      return { messages: await untilAborted(this.send(lease.client, ctx), ctx.signal) };
    } catch (error) {
      throw describeKafkaError(error, ctx, `publish to topic "${topic}" failed on resource "${resource.name}"`, messages.length);
    } finally {
      lease.release();
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.producers.closeAll();
  }

  /**
   * Kafka answers one base offset per partition, so per-message offsets are known when the partition
   * of every message is: one message, or explicit partitions (consecutive offsets per partition, in
   * order). Otherwise the producer's partitioner decides, and the messages are sent one by one, in order.
   */
  private async send(producer: Producer, ctx: StepContext<KafkaPublishStepConfig, KafkaResourceConfig>): Promise<PublishedMessage[]> {
    const { config } = ctx;
    const acks = config.acks ?? -1;
    const compression = config.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
    const records = config.messages.map((message) => toRecord(message, config, ctx));
    const batches = records.length === 1 || records.every((r) => r.partition !== undefined) ? [records] : records.map((r) => [r]);
    const published: PublishedMessage[] = [];
    for (const batch of batches) {
      const metadata = await producer.send({ topic: config.topic, messages: batch, acks, compression });
      published.push(...placeMessages(config.topic, batch, metadata));
    }
    return published;
  }
}

type OutgoingRecord = Message & { timestamp: string; sent?: SentCorrelation };

/** Each message is its own span: it gets its own traceparent, with the run's trace id. */
function toRecord(message: KafkaPublishMessage, config: KafkaPublishStepConfig, run: { correlationId: string; traceId: string }): OutgoingRecord {
  const headers = { ...message.headers };
  const sent = addCorrelationHeaders(headers, config, run);
  return {
    key: message.key ?? null,
    value: message.value === null ? null : typeof message.value === 'string' ? message.value : JSON.stringify(message.value),
    headers,
    sent,
    partition: message.partition,
    timestamp: String(Date.now()),
  };
}

/** Offsets per message: the n-th message of a partition in this batch has that partition's base offset + n. */
function placeMessages(topic: string, batch: OutgoingRecord[], metadata: RecordMetadata[]): PublishedMessage[] {
  const seen = new Map<number, number>();
  return batch.map((message) => {
    const meta = message.partition !== undefined ? metadata.find((m) => m.partition === message.partition) : metadata.length === 1 ? metadata[0] : undefined;
    const partition = message.partition ?? meta?.partition ?? null;
    const index = partition === null ? 0 : (seen.get(partition) ?? 0);
    if (partition !== null) seen.set(partition, index + 1);
    const base = meta?.baseOffset;
    const appendTime = meta?.logAppendTime && meta.logAppendTime !== '-1' ? Number(meta.logAppendTime) : undefined;
    return {
      topic,
      partition,
      offset: base === undefined || base === null ? null : (BigInt(base) + BigInt(index)).toString(),
      timestamp: new Date(appendTime ?? Number(message.timestamp)).toISOString(),
      ...(message.sent && { sent: message.sent }),
    };
  });
}

function describeKafkaError(error: unknown, ctx: { signal: AbortSignal }, what: string, count?: number): StepError {
  if (error instanceof StepError) return error;
  if (ctx.signal.aborted) {
    const reason = ctx.signal.reason instanceof Error ? ctx.signal.reason.message : String(ctx.signal.reason);
    return new StepError(`${what}: aborted (${reason})${count && count > 1 ? '; some messages may have been sent' : ''}`);
  }
  const e = error as { name?: string; message?: string; type?: string };
  const type = e.type ? ` [${e.type}]` : '';
  return new StepError(`${what}: ${e.message ?? String(error)}${type}`, { kafkaError: e.name, type: e.type });
}
