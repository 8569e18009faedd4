import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { checkSearchPattern, messageSearchResultSchema } from '../../steps/shared/message-search';
import { untilAborted } from '../../steps/shared/until-aborted';
import type { StepContext, StepRunner } from '../../steps/step-plugin';
import { StepPlugin } from '../../steps/step-plugin.decorator';
import { NatsResourceConfig } from './nats-resource-config.dto';
import { NatsConnections } from './nats-connections';
import { NATS_MESSAGE_PROPERTIES, offerCoreMessage, type NatsReceivedMessage } from './nats-message';
import { NatsSearchWindows } from './nats-search-windows';
import { natsErrorText } from './nats-step-errors';
import { NatsSubscribeStepConfig, type NatsSubscribeStepResult } from './nats-subscribe-step.config';

@StepPlugin({
  type: 'nats-subscribe',
  description:
    'Waits for core NATS messages on a subject (wildcards `*` and `>`, optional queue group) that match a pattern (text contained, a JSONPath, or a header value). Run it in the background before the step that causes the message: it is subscribed on the server before the flow moves on.',
  config: NatsSubscribeStepConfig,
  resource: NatsResourceConfig,
  validateRaw: checkSearchPattern,
  // Subscribe, trigger, then match on the id the trigger returned.
  lateFields: ['searchPattern'],
  resultSchema: messageSearchResultSchema(NATS_MESSAGE_PROPERTIES, ['subject']),
})
@Injectable()
export class NatsSubscribeStep implements StepRunner<NatsSubscribeStepConfig, NatsSubscribeStepResult, NatsResourceConfig>, OnModuleDestroy {
  private readonly windows: NatsSearchWindows<NatsReceivedMessage>;

  constructor(connections: NatsConnections) {
    this.windows = new NatsSearchWindows(connections);
  }

  async run(ctx: StepContext<NatsSubscribeStepConfig, NatsResourceConfig>): Promise<NatsSubscribeStepResult> {
    return (await this.prepare(ctx))();
  }

  prepare(ctx: StepContext<NatsSubscribeStepConfig, NatsResourceConfig>): Promise<(late?: Partial<NatsSubscribeStepConfig>) => Promise<NatsSubscribeStepResult>> {
    const { subject, queueGroup } = ctx.config;
    const source = `subject "${subject}"${queueGroup ? ` (queue group "${queueGroup}")` : ''}`;
    return this.windows.prepare(ctx, source, async ({ nc }, search, onClose) => {
      const subscription = nc.subscribe(subject, {
        queue: queueGroup,
        callback: (error, msg) => (error ? search.fail(`subscription to ${source} failed: ${natsErrorText(error)}`) : search.offer(offerCoreMessage(msg))),
      });
      onClose(() => subscription.unsubscribe());
      // SUB is only buffered: after the PING/PONG the server has it, so what is published from now on is delivered.
      await untilAborted(nc.flush(), ctx.signal);
    });
  }

  /** Subscriptions open right now (each closes on completion, timeout, abort or shutdown). */
  activeSubscriptionCount(): number {
    return this.windows.openCount;
  }

  async onModuleDestroy(): Promise<void> {
    await this.windows.stopAll('the worker is shutting down');
  }
}
