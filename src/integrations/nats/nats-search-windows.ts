import type { StepContext } from '../../steps/step-plugin';
import type { NatsResourceConfig } from './nats-resource-config.dto';
import { MessageSearch, type MessageSearchConfig, type MessageSearchResult } from '../../steps/shared/message-search';
import type { NatsClient, NatsConnections } from './nats-connections';
import { describeNatsStepError } from './nats-step-errors';

/** Registers what to undo when the window closes (run in reverse order, errors ignored). */
export type OnWindowClose = (undo: () => unknown) => void;

/**
 * The windows of one subscribe-type NATS step (nats-subscribe, jetstream-consume): a MessageSearch on
 * the resource's pooled connection. The step only subscribes — `subscribe` registers its undo steps as
 * soon as each exists, so a failure half-way closes what was opened — and hands messages to the search.
 */
export class NatsSearchWindows<TMessage> {
  private readonly searches = new Set<MessageSearch<TMessage>>();

  constructor(private readonly connections: NatsConnections) {}

  get openCount(): number {
    return this.searches.size;
  }

  async prepare<TConfig extends MessageSearchConfig>(
    ctx: StepContext<TConfig, NatsResourceConfig>,
    source: string,
    subscribe: (client: NatsClient, search: MessageSearch<TMessage>, onClose: OnWindowClose) => Promise<void>,
  ): Promise<(late?: Partial<TConfig>) => Promise<MessageSearchResult<TMessage>>> {
    const undo: Array<() => unknown> = [];
    let closed = false;
    // Built first: a searchPattern that cannot compile fails before anything is opened.
    const search: MessageSearch<TMessage> = new MessageSearch<TMessage>({
      config: ctx.config,
      source,
      signal: ctx.signal,
      deadline: ctx.deadline,
      deferMatch: ctx.deferredFields?.includes('searchPattern') === true,
      close: async () => {
        closed = true;
        this.searches.delete(search);
        for (const step of undo.reverse()) await Promise.resolve().then(step).catch(() => undefined);
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
    undo.push(() => lease.release());
    undo.push(lease.client.onClose((reason) => search.fail(reason)));
    try {
      await subscribe(lease.client, search, (step) => undo.push(step));
    } catch (error) {
      const failure = describeNatsStepError(error, ctx, `cannot subscribe to ${source} on resource "${ctx.resource.name}"`);
      if (!closed) await search.stop(failure.message);
      throw failure;
    }
    // A message may already have settled the search while subscribing; its window then never opened.
    if (!search.isFinished) await search.start();
    return async (late) => {
      if (late && 'searchPattern' in late) search.startMatching(late.searchPattern);
      return search.result;
    };
  }

  async stopAll(reason: string): Promise<void> {
    await Promise.all([...this.searches].map((search) => search.stop(reason)));
  }
}
