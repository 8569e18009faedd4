import type { Channel, ChannelModel, ConsumeMessage, Message } from 'amqplib';
import { MessageSearch } from '../../steps/shared/message-search';
import { untilAborted } from '../../steps/shared/until-aborted';
import { StepError } from '../../steps/step-plugin';
import { amqpErrorMessage } from './amqp-connection-options';
import { AMQP_CONSUME_DEFAULTS, type AmqpConsumedMessage, type AmqpConsumeStepConfig } from './amqp-consume-step.config';
import { toDelivery } from './amqp-message';

/** A temporary queue left behind (its channel died before it could be deleted) goes after this long unused. */
const TEMPORARY_QUEUE_EXPIRES_MS = 60_000;

export interface AmqpQueueConsumerOptions {
  config: AmqpConsumeStepConfig;
  signal: AbortSignal;
  deadline: number;
  deferMatch: boolean;
  resourceName: string;
  /** Called once the channel is closed (lease release, bookkeeping). */
  onClosed(): void;
}

/**
 * The transport of one amqp-consume step: its own channel on the pooled connection, the queue (named,
 * or a temporary exclusive one bound to an exchange), one consumer feeding a MessageSearch, and the ack
 * policy applied when the search ends.
 *
 * A named queue may be shared with the service's real consumers, so the step must not eat their
 * messages: it consumes with manual acks and holds what it examines unacknowledged (requeueing one at
 * once would hand it straight back to this consumer, in a loop). At the end it acks per `ack` and
 * closes the channel, which returns every message still unacknowledged to the queue, marked redelivered.
 */
export class AmqpQueueConsumer {
  readonly search: MessageSearch<AmqpConsumedMessage>;
  private channel?: Channel;
  private channelClosed = false;
  private channelError?: Error;
  private consumerTag?: string;
  private temporaryQueue?: string;
  private consuming = false;
  private closing?: Promise<void>;
  /** Named queue only: delivery tags examined, and whether each matched. */
  private readonly examined: Array<{ tag: number; matched: boolean }> = [];
  private readonly source: string;

  constructor(private readonly options: AmqpQueueConsumerOptions) {
    const { config } = options;
    this.source = config.queue !== undefined ? `queue "${config.queue}"` : `exchange "${config.exchange}" (${describeBinding(config)})`;
    // Built first: a searchPattern that cannot compile fails before anything is opened.
    this.search = new MessageSearch<AmqpConsumedMessage>({
      config,
      source: this.source,
      signal: options.signal,
      deadline: options.deadline,
      deferMatch: options.deferMatch,
      close: () => this.close(),
    });
  }

  /** Resolves once the consumer is in place (queue checked or declared and bound, basic.consume-ok) and the window has started. */
  async prepare(model: ChannelModel): Promise<void> {
    try {
      await untilAborted(this.setUp(model), this.options.signal);
    } catch (error) {
      await this.close();
      throw this.setUpError(error);
    }
    if (!this.search.isFinished) await this.search.start();
  }

  private async setUp(model: ChannelModel): Promise<void> {
    const { config } = this.options;
    const channel = await model.createChannel();
    if (this.closing) {
      // Aborted while the channel was opening: close() found nothing to close.
      await channel.close().catch(() => undefined);
      throw new Error('closed while opening its channel');
    }
    this.channel = channel;
    channel.on('error', (error: Error) => (this.channelError = error));
    channel.on('close', () => {
      this.channelClosed = true;
      if (this.consuming && !this.closing) {
        this.search.fail(`the channel consuming from ${this.source} was closed: ${this.channelError ? amqpErrorMessage(this.channelError) : 'the connection to the broker was lost'}`);
      }
    });
    let queue: string;
    if (config.queue !== undefined) {
      queue = (await channel.checkQueue(config.queue)).queue;
      await channel.prefetch(config.prefetch ?? AMQP_CONSUME_DEFAULTS.prefetch);
    } else {
      const exchange = config.exchange!;
      queue = (await channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false, expires: TEMPORARY_QUEUE_EXPIRES_MS })).queue;
      this.temporaryQueue = queue;
      for (const key of bindingKeysOf(config)) await channel.bindQueue(queue, exchange, key);
      if (config.bindingHeaders) await channel.bindQueue(queue, exchange, '', { ...config.bindingHeaders, 'x-match': config.headersMatch ?? AMQP_CONSUME_DEFAULTS.headersMatch });
    }
    // The temporary queue is ours alone and deleted afterwards: no acks needed there.
    const noAck = this.temporaryQueue !== undefined;
    this.consumerTag = (await channel.consume(queue, (message) => this.onMessage(message), { noAck })).consumerTag;
    this.consuming = true;
  }

  private onMessage(message: ConsumeMessage | null): void {
    if (message === null) {
      this.search.fail(`the broker cancelled the consumer of ${this.source} (queue deleted?)`);
      return;
    }
    // After the end, a message still in flight is left unacknowledged: the channel's close requeues it.
    if (this.search.isFinished || this.closing) return;
    const delivery = toDelivery(message);
    const entry = this.temporaryQueue === undefined ? { tag: message.fields.deliveryTag, matched: false } : undefined;
    if (entry) this.examined.push(entry);
    this.search.offer({
      text: delivery.text,
      headers: delivery.headers,
      // The search shapes a message for its result only when it matched.
      toResult: () => {
        if (entry) entry.matched = true;
        return delivery.toResult();
      },
    });
  }

  /** Cancels the consumer, applies the ack policy, deletes a temporary queue and closes the channel; once. */
  close(): Promise<void> {
    this.closing ??= this.closeChannel().finally(() => this.options.onClosed());
    return this.closing;
  }

  private async closeChannel(): Promise<void> {
    const channel = this.channel;
    if (!channel || this.channelClosed) return;
    if (this.consumerTag) await channel.cancel(this.consumerTag).catch(() => undefined);
    const ack = this.options.config.ack ?? AMQP_CONSUME_DEFAULTS.ack;
    if (!this.channelClosed) {
      for (const entry of this.examined) {
        if (ack === 'all' || (ack === 'matched' && entry.matched)) channel.ack({ fields: { deliveryTag: entry.tag } } as Message);
      }
    }
    if (this.temporaryQueue && !this.channelClosed) await channel.deleteQueue(this.temporaryQueue).catch(() => undefined);
    if (!this.channelClosed) await channel.close().catch(() => undefined);
  }

  private setUpError(error: unknown): StepError {
    if (error instanceof StepError) return error;
    const { signal, resourceName } = this.options;
    if (signal.aborted) {
      return new StepError(`cancelled while setting up the consumer of ${this.source} (${(signal.reason as Error | undefined)?.message ?? String(signal.reason)})`, { reason: 'aborted' });
    }
    return new StepError(`cannot consume from ${this.source} on resource "${resourceName}": ${amqpErrorMessage(this.channelError ?? error)}`, { reason: 'setup' });
  }
}

function bindingKeysOf(config: AmqpConsumeStepConfig): readonly string[] {
  return config.bindingKeys ?? (config.bindingHeaders ? [] : AMQP_CONSUME_DEFAULTS.bindingKeys);
}

function describeBinding(config: AmqpConsumeStepConfig): string {
  const parts: string[] = [];
  const keys = bindingKeysOf(config);
  if (keys.length) parts.push(`binding key${keys.length > 1 ? 's' : ''} ${keys.map((k) => `"${k}"`).join(', ')}`);
  if (config.bindingHeaders) parts.push(`headers ${JSON.stringify(config.bindingHeaders)} (${config.headersMatch ?? AMQP_CONSUME_DEFAULTS.headersMatch})`);
  return parts.join(' and ');
}
