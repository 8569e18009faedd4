import { Injectable } from '@nestjs/common';
import type { Channel, ChannelModel, ConfirmChannel, Message, Options } from 'amqplib';
import { addCorrelationHeaders, SENT_CORRELATION_SCHEMA } from '../../steps/shared/correlation-headers';
import { StepError, type StepContext, type StepRunner } from '../../steps/step-plugin';
import { StepPlugin } from '../../steps/step-plugin.decorator';
import { AmqpResourceConfig } from './amqp-resource-config.dto';
import { amqpErrorMessage } from './amqp-connection-options';
import { AmqpConnections } from './amqp-connections';
import { AmqpPublishStepConfig, type AmqpPublishStepResult } from './amqp-publish-step.config';

@StepPlugin({
  type: 'amqp-publish',
  description:
    'Publishes one message to a RabbitMQ exchange (routing key, headers, properties, persistent) and, in confirm mode (the default), waits for the broker\'s confirm. `mandatory` fails the step when no queue received it.',
  config: AmqpPublishStepConfig,
  resource: AmqpResourceConfig,
  resultSchema: {
    type: 'object',
    properties: {
      exchange: { type: 'string', description: '"" is the default exchange' },
      routingKey: { type: 'string' },
      confirmed: { type: 'boolean', description: 'true: the broker confirmed the message (confirm mode); false: sent without confirm' },
      size: { type: 'integer', description: 'Body size in bytes' },
      contentType: { type: 'string' },
      persistent: { type: 'boolean' },
      messageId: { type: 'string' },
      headers: { type: 'object', additionalProperties: { type: 'string' }, description: 'Headers sent, correlation headers included' },
      publishedAt: { type: 'string', format: 'date-time' },
      sent: SENT_CORRELATION_SCHEMA,
    },
    required: ['exchange', 'routingKey', 'confirmed', 'size', 'contentType', 'persistent', 'headers', 'publishedAt'],
  },
})
@Injectable()
export class AmqpPublishStep implements StepRunner<AmqpPublishStepConfig, AmqpPublishStepResult, AmqpResourceConfig> {
  constructor(private readonly connections: AmqpConnections) {}

  async run(ctx: StepContext<AmqpPublishStepConfig, AmqpResourceConfig>): Promise<AmqpPublishStepResult> {
    const resource = ctx.resource;
    const { config } = ctx;
    const exchange = config.exchange ?? '';
    const routingKey = config.routingKey ?? '';
    const confirm = config.confirm !== false;
    const persistent = config.persistent !== false;
    const body = Buffer.from(typeof config.message === 'string' ? config.message : JSON.stringify(config.message), 'utf8');
    const contentType = config.properties?.contentType ?? (typeof config.message === 'string' ? 'text/plain' : 'application/json');
    const headers: Record<string, string> = { ...config.headers };
    const sent = addCorrelationHeaders(headers, config, ctx);
    const options: Options.Publish = { ...config.properties, contentType, headers, persistent, mandatory: config.mandatory === true, timestamp: Math.floor(Date.now() / 1000) };
    const target = exchange === '' ? `the default exchange (queue "${routingKey}")` : `exchange "${exchange}" with routing key "${routingKey}"`;

    const lease = await this.connections.acquire(resource, ctx.signal);
    try {
      await new ChannelPublish(lease.client, confirm).send(exchange, routingKey, body, options, ctx.signal);
    } catch (error) {
      if (ctx.signal.aborted) throw new StepError(`publish to ${target} aborted (${(ctx.signal.reason as Error | undefined)?.message ?? String(ctx.signal.reason)}); the message may have been sent`, { reason: 'aborted' });
      throw new StepError(`publish to ${target} failed on resource "${resource.name}": ${error instanceof PublishRefused ? error.message : amqpErrorMessage(error)}`, { reason: 'publish' });
    } finally {
      lease.release();
    }
    return {
      exchange,
      routingKey,
      confirmed: confirm,
      size: body.length,
      contentType,
      persistent,
      ...(config.properties?.messageId !== undefined && { messageId: config.properties.messageId }),
      headers,
      publishedAt: new Date((options.timestamp as number) * 1000).toISOString(),
      ...(sent && { sent }),
    };
  }
}

/** A refusal the broker sent back (nack, basic.return), already phrased for the tester. */
class PublishRefused extends Error {}

/**
 * One publish on a channel of its own: the broker reports an unknown exchange by closing the channel
 * (404), which must not take other steps' work with it. In confirm mode the broker's ack is awaited;
 * without it, one round trip after the publish still surfaces an unknown exchange or a returned message.
 */
class ChannelPublish {
  private channelError?: Error;
  private returned?: Message;

  constructor(
    private readonly model: ChannelModel,
    private readonly confirm: boolean,
  ) {}

  async send(exchange: string, routingKey: string, body: Buffer, options: Options.Publish, signal: AbortSignal): Promise<void> {
    const channel: Channel | ConfirmChannel = this.confirm ? await this.model.createConfirmChannel() : await this.model.createChannel();
    channel.on('error', (error: Error) => (this.channelError = error));
    // basic.return comes before the confirm of the same message (RabbitMQ orders them so).
    channel.on('return', (message: Message) => (this.returned = message));
    let isClosed = false;
    const closed = new Promise<never>((_, reject) =>
      channel.once('close', () => {
        isClosed = true;
        reject(this.channelError ?? new Error('the channel was closed'));
      }),
    );
    closed.catch(() => undefined);
    const onAbort = () => void channel.close().catch(() => undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      if (this.confirm) {
        const confirmed = new Promise<void>((resolve, reject) =>
          (channel as ConfirmChannel).publish(exchange, routingKey, body, options, (error: unknown) => (error ? reject(this.channelError ?? asNack(error)) : resolve())),
        );
        await Promise.race([confirmed, closed]);
      } else {
        channel.publish(exchange, routingKey, body, options);
        // A round trip after the publish (basic.qos, harmless here): the broker answers it after it has
        // handled the publish, so an unknown exchange (channel closed, 404) or a return arrives first.
        // channel.close() cannot serve: amqplib treats the broker's close that crosses ours as the reply.
        await Promise.race([channel.prefetch(0), closed]);
      }
      await channel.close().catch((error: unknown) => {
        if (!this.channelError) throw error;
      });
      if (this.channelError) throw this.channelError;
      if (this.returned) {
        const fields = this.returned.fields as { replyCode?: number; replyText?: string };
        throw new PublishRefused(`the broker returned the message: ${fields.replyText ?? 'unroutable'} (${fields.replyCode ?? 312}): no queue is bound for it (mandatory)`);
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      // A nack or an abort leaves the channel open: it is this step's, so it goes.
      if (!isClosed) await channel.close().catch(() => undefined);
    }
  }
}

function asNack(error: unknown): Error {
  const message = (error as Error | undefined)?.message ?? String(error);
  return new PublishRefused(/nack/i.test(message) ? 'the broker refused the message (basic.nack)' : message);
}
