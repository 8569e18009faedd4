import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Subscription } from '@nats-io/transport-node';
import { checkSearchPattern, MessageSearch, messageSearchResultSchema } from '../../steps/shared/message-search';
import { untilAborted } from '../../steps/sql/until-aborted';
import type { StepContext, StepRunner } from '../../steps/step-plugin';
import { StepPlugin } from '../../steps/step-plugin.decorator';
import { NatsConnections } from './nats-connections';
import { NATS_MESSAGE_PROPERTIES, offerCoreMessage, type NatsReceivedMessage } from './nats-message';
import { describeNatsStepError, natsErrorText } from './nats-step-errors';
import { NatsSubscribeStepConfig, type NatsSubscribeStepResult } from './nats-subscribe-step.config';

@StepPlugin({
  type: 'nats-subscribe',
  description:
    'Waits for core NATS messages on a subject (wildcards `*` and `>`, optional queue group) that match a pattern (text contained, a JSONPath, or a header value). Run it in the background before the step that causes the message: it is subscribed on the server before the flow moves on.',
  config: NatsSubscribeStepConfig,
  resource: 'nats',
  validateRaw: checkSearchPattern,
  // Subscribe, trigger, then match on the id the trigger returned.
  lateFields: ['searchPattern'],
  resultSchema: messageSearchResultSchema(NATS_MESSAGE_PROPERTIES, ['subject']),
})
@Injectable()
export class NatsSubscribeStep implements StepRunner<NatsSubscribeStepConfig, NatsSubscribeStepResult>, OnModuleDestroy {
  private readonly searches = new Set<MessageSearch<NatsReceivedMessage>>();

  constructor(private readonly connections: NatsConnections) {}

  async run(ctx: StepContext<NatsSubscribeStepConfig>): Promise<NatsSubscribeStepResult> {
    return (await this.prepare(ctx))();
  }

  async prepare(ctx: StepContext<NatsSubscribeStepConfig>): Promise<(late?: Partial<NatsSubscribeStepConfig>) => Promise<NatsSubscribeStepResult>> {
    const { config } = ctx;
    const source = `subject "${config.subject}"${config.queueGroup ? ` (queue group "${config.queueGroup}")` : ''}`;
    let subscription: Subscription | undefined;
    let closed = false;
    let release = () => undefined as void;
    // Built first: a searchPattern that cannot compile fails before anything is opened.
    const search: MessageSearch<NatsReceivedMessage> = new MessageSearch<NatsReceivedMessage>({
      config,
      source,
      signal: ctx.signal,
      deadline: ctx.deadline,
      deferMatch: ctx.deferredFields?.includes('searchPattern') === true,
      close: async () => {
        closed = true;
        this.searches.delete(search);
        subscription?.unsubscribe();
        release();
      },
    });
    this.searches.add(search);
    let lease;
    try {
      lease = await this.connections.acquire(ctx);
    } catch (error) {
      await search.stop('no connection');
      throw error;
    }
    const { client } = lease;
    const stopWatching = client.onClose((reason) => search.fail(reason));
    release = () => {
      stopWatching();
      lease.release();
    };
    try {
      subscription = client.nc.subscribe(config.subject, {
        queue: config.queueGroup,
        callback: (error, msg) => (error ? search.fail(`subscription to ${source} failed: ${natsErrorText(error)}`) : search.offer(offerCoreMessage(msg))),
      });
      // SUB is only buffered: after the PING/PONG the server has it, so what is published from now on is delivered.
      await untilAborted(client.nc.flush(), ctx.signal);
    } catch (error) {
      const failure = describeNatsStepError(error, ctx, `cannot subscribe to ${source} on resource "${ctx.resource!.name}"`);
      if (!closed) await search.stop(failure.message);
      throw failure;
    }
    // A message may already have settled the search during the flush; its window then never opened.
    if (!search.isFinished) await search.start();
    return async (late) => {
      if (late && 'searchPattern' in late) search.startMatching(late.searchPattern);
      return search.result;
    };
  }

  /** Subscriptions open right now (each closes on completion, timeout, abort or shutdown). */
  activeSubscriptionCount(): number {
    return this.searches.size;
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.searches].map((search) => search.stop('the worker is shutting down')));
  }
}
