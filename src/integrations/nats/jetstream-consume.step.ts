import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { ConsumerMessages, OrderedConsumerOptions } from '@nats-io/jetstream';
import { checkSearchPattern, messageSearchResultSchema, type MessageSearch } from '../../steps/shared/message-search';
import { problemsOf, type RawProblem } from '../../steps/shared/step-config-validators';
import { parseTimestampMs } from '../../steps/shared/time-window';
import { untilAborted } from '../../steps/shared/until-aborted';
import { StepError, type StepContext, type StepRunner } from '../../steps/step-plugin';
import { StepPlugin } from '../../steps/step-plugin.decorator';
import { NatsResourceConfig } from './nats-resource-config.dto';
import { JetStreamConsumeStepConfig, type JetStreamConsumeStepResult } from './jetstream-consume-step.config';
import { NatsConnections, type NatsClient } from './nats-connections';
import { NATS_MESSAGE_PROPERTIES, offerJetStreamMessage, type JetStreamReceivedMessage } from './nats-message';
import { NatsSearchWindows } from './nats-search-windows';
import { describeNatsStepError, natsErrorText } from './nats-step-errors';

/** Messages a pull asks for at a time (the window still keeps at most messageLimit matches). */
const PULL_BATCH = 100;

@StepPlugin({
  type: 'jetstream-consume',
  description:
    'Reads a JetStream stream through an ephemeral ordered consumer (deleted afterwards) and waits for messages that match a pattern. From now by default — run it in the background before the trigger: the consumer exists before the flow moves on — or replaying from startTime or startSequence.',
  config: JetStreamConsumeStepConfig,
  resource: NatsResourceConfig,
  validateRaw: (raw) => [...checkSearchPattern(raw), ...checkStartTime(raw)],
  lateFields: ['searchPattern'],
  resultSchema: messageSearchResultSchema(
    {
      ...NATS_MESSAGE_PROPERTIES,
      stream: { type: 'string' },
      seq: { type: 'integer', description: 'Stream sequence' },
    },
    ['subject', 'stream', 'seq'],
  ),
})
@Injectable()
export class JetStreamConsumeStep implements StepRunner<JetStreamConsumeStepConfig, JetStreamConsumeStepResult, NatsResourceConfig>, OnModuleDestroy {
  private readonly windows: NatsSearchWindows<JetStreamReceivedMessage>;

  constructor(connections: NatsConnections) {
    this.windows = new NatsSearchWindows(connections);
  }

  async run(ctx: StepContext<JetStreamConsumeStepConfig, NatsResourceConfig>): Promise<JetStreamConsumeStepResult> {
    return (await this.prepare(ctx))();
  }

  prepare(ctx: StepContext<JetStreamConsumeStepConfig, NatsResourceConfig>): Promise<(late?: Partial<JetStreamConsumeStepConfig>) => Promise<JetStreamConsumeStepResult>> {
    const { config } = ctx;
    const source = `stream "${config.stream}"${config.subject ? ` subject "${config.subject}"` : ''}`;
    const startTime = config.startTime === undefined ? undefined : new Date(parseTimestampMs(config.startTime, 'startTime')).toISOString();
    return this.windows.prepare(ctx, source, async (client, search, onClose) => {
      try {
        const options = await this.consumerOptions(client, config, startTime, ctx.signal);
        const creating = client.jetstream().consumers.get(config.stream, options);
        // A consumer created after an abort is deleted all the same.
        const consumer = await untilAborted(creating, ctx.signal, () => void creating.then((late) => late.delete()).catch(() => undefined));
        // Ephemeral consumers would linger on the server for their inactivity threshold: delete now.
        onClose(() => consumer.delete());
        const messages = await consumer.consume({ max_messages: PULL_BATCH, abort_on_missing_resource: true });
        onClose(() => messages.close());
        void deliver(messages, search, source);
      } catch (error) {
        throw consumerError(error, ctx, source);
      }
    });
  }

  /** Ordered consumers open right now (each is deleted on completion, timeout, abort or shutdown). */
  activeConsumerCount(): number {
    return this.windows.openCount;
  }

  async onModuleDestroy(): Promise<void> {
    await this.windows.stopAll('the worker is shutting down');
  }

  /**
   * "From now" is the stream's next sequence rather than deliver policy "new": the same start, but
   * the ordered consumer, when it recreates itself (missed heartbeats, a reconnect) before its first
   * message, resumes from that sequence instead of replaying the stream from its first message. The
   * stream info also turns a missing stream into a clear error before anything is created.
   */
  private async consumerOptions(client: NatsClient, config: JetStreamConsumeStepConfig, startTime: string | undefined, signal: AbortSignal): Promise<Partial<OrderedConsumerOptions>> {
    const options: Partial<OrderedConsumerOptions> = config.subject ? { filter_subjects: config.subject } : {};
    if (config.startSequence !== undefined) return { ...options, opt_start_seq: config.startSequence };
    if (startTime !== undefined) return { ...options, opt_start_time: startTime };
    const jsm = await untilAborted(client.jetstreamManager(), signal);
    const info = await untilAborted(jsm.streams.info(config.stream), signal);
    return { ...options, opt_start_seq: info.state.last_seq + 1 };
  }
}

async function deliver(messages: ConsumerMessages, search: MessageSearch<JetStreamReceivedMessage>, source: string): Promise<void> {
  try {
    for await (const message of messages) search.offer(offerJetStreamMessage(message));
    if (!search.isFinished) search.fail(`the consumer of ${source} stopped`);
  } catch (error) {
    search.fail(`reading ${source} failed: ${natsErrorText(error)}`);
  }
}

function consumerError(error: unknown, ctx: StepContext<JetStreamConsumeStepConfig, NatsResourceConfig>, source: string): StepError {
  const where = `cannot consume ${source} on resource "${ctx.resource.name}"`;
  const e = error as { name?: string; message?: string } | undefined;
  if (!ctx.signal.aborted && (e?.name === 'StreamNotFoundError' || /stream not found/i.test(e?.message ?? ''))) {
    return new StepError(`${where}: stream "${ctx.config.stream}" does not exist`, { reason: 'no-stream' });
  }
  if (!ctx.signal.aborted && (e?.name === 'JetStreamNotEnabled' || /not enabled/i.test(e?.message ?? ''))) {
    return new StepError(`${where}: JetStream is not enabled on the server`, { reason: 'jetstream-disabled' });
  }
  return describeNatsStepError(error, ctx, where);
}

/** A startTime that is not a time is a 400 at save (one with `${…}` is checked at run). */
function checkStartTime(raw: Record<string, unknown>): RawProblem[] {
  const value = raw.startTime;
  if (value === undefined || (typeof value === 'string' && value.includes('${'))) return [];
  if (typeof value !== 'number' && typeof value !== 'string') return [];
  return problemsOf(() => parseTimestampMs(value, 'startTime'));
}
