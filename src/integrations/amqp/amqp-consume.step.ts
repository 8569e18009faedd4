import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { checkSearchPattern, messageSearchResultSchema } from '../../steps/shared/message-search';
import type { StepContext, StepRunner } from '../../steps/step-plugin';
import { StepPlugin } from '../../steps/step-plugin.decorator';
import { AmqpResourceConfig } from './amqp-resource-config.dto';
import { AmqpConnections } from './amqp-connections';
import { AmqpConsumeStepConfig, type AmqpConsumeStepResult } from './amqp-consume-step.config';
import { AmqpQueueConsumer } from './amqp-queue-consumer';

@StepPlugin({
  type: 'amqp-consume',
  description:
    'Waits for RabbitMQ messages that match a pattern (text contained, a JSONPath, or a header value), from a named queue (unmatched messages go back to it) or from an exchange through a temporary queue bound with binding keys or headers. Run it in the background before the step that causes the message: it is consuming before the flow moves on.',
  config: AmqpConsumeStepConfig,
  resource: AmqpResourceConfig,
  validateRaw: checkSearchPattern,
  // Consume, trigger, match on the id the trigger returned.
  lateFields: ['searchPattern'],
  resultSchema: messageSearchResultSchema(
    {
      exchange: { type: 'string', description: 'Exchange it was published to ("" the default exchange)' },
      routingKey: { type: 'string' },
      redelivered: { type: 'boolean' },
      properties: { type: 'object', additionalProperties: { type: ['string', 'number'] }, description: 'Basic properties set by the publisher (contentType, correlationId, messageId, type, appId, …)' },
      size: { type: 'integer', description: 'Body size in bytes' },
      bodyTruncated: { type: 'boolean', description: 'Present when the body was over 1 MiB: value holds its first 1 MiB as text' },
    },
    ['exchange', 'routingKey', 'redelivered', 'properties', 'size'],
  ),
})
@Injectable()
export class AmqpConsumeStep implements StepRunner<AmqpConsumeStepConfig, AmqpConsumeStepResult, AmqpResourceConfig>, OnModuleDestroy {
  private readonly consumers = new Set<AmqpQueueConsumer>();

  constructor(private readonly connections: AmqpConnections) {}

  async run(ctx: StepContext<AmqpConsumeStepConfig, AmqpResourceConfig>): Promise<AmqpConsumeStepResult> {
    const complete = await this.prepare(ctx);
    return complete();
  }

  async prepare(ctx: StepContext<AmqpConsumeStepConfig, AmqpResourceConfig>): Promise<(late?: Partial<AmqpConsumeStepConfig>) => Promise<AmqpConsumeStepResult>> {
    const resource = ctx.resource;
    let lease: { release(): void } | undefined;
    const consumer: AmqpQueueConsumer = new AmqpQueueConsumer({
      config: ctx.config,
      signal: ctx.signal,
      deadline: ctx.deadline,
      deferMatch: ctx.deferredFields?.includes('searchPattern') === true,
      resourceName: resource.name,
      onClosed: () => {
        this.consumers.delete(consumer);
        lease?.release();
      },
    });
    const acquired = await this.connections.acquire(resource, ctx.signal);
    lease = acquired;
    this.consumers.add(consumer);
    await consumer.prepare(acquired.client);
    return async (late) => {
      if (late && 'searchPattern' in late) consumer.search.startMatching(late.searchPattern);
      return consumer.search.result;
    };
  }

  /** Consumers with an open channel right now (each closes on completion, timeout, abort or shutdown). */
  liveConsumerCount(): number {
    return this.consumers.size;
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.consumers].map((consumer) => consumer.search.stop('the worker is shutting down')));
  }
}
