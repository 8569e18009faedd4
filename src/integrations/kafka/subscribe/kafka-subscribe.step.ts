import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type Redis from 'ioredis';
import { Kafka, type Admin, type Consumer } from 'kafkajs';
import { EgressService } from '../../../egress/egress.service';
import { REDIS_CLIENT } from '../../../redis/redis.constants';
import { RedisFactory } from '../../../redis/redis.factory';
import type { ClientLease, ClientPool } from '../../../resources/client-pool';
import { KafkaResourceConfig } from '../kafka-resource-config.dto';
import { kafkaStepClientConfig } from '../kafka-step-client-config';
import { untilAborted } from '../../../steps/shared/until-aborted';
import { StepClientPools } from '../../../steps/step-client-pools';
import { StepError, type StepContext, type StepResource, type StepRunner } from '../../../steps/step-plugin';
import { StepPlugin } from '../../../steps/step-plugin.decorator';
import { KafkaGroupLock, type HeldLock } from './kafka-group-lock';
import { KafkaSubscribeStepConfig, type KafkaSubscribeStepResult } from './kafka-subscribe-step.config';
import { KafkaSubscription } from './kafka-subscription';
import { createMessageMatcher } from '../../../steps/shared/message-matcher';
import { checkSearchPattern, messageSearchResultSchema } from '../../../steps/shared/message-search';

interface KafkaCluster {
  kafka: Kafka;
  admin: Admin;
}

@StepPlugin({
  type: 'kafka-subscribe',
  description:
    'Waits for Kafka messages on a topic that match a pattern (text contained, or a JSONPath such as `$[?(@.orderId == \'…\')]`). Run it in the background before the step that causes the message: it is subscribed and positioned before the flow moves on.',
  config: KafkaSubscribeStepConfig,
  resource: KafkaResourceConfig,
  validateRaw: checkSearchPattern,
  // The signature pattern: subscribe, trigger, match on the id the trigger returned.
  lateFields: ['searchPattern'],
  resultSchema: messageSearchResultSchema(
    {
      key: { type: ['string', 'null'] },
      value: { description: 'Parsed when a JSON object or array, else text; null for a tombstone' },
      partition: { type: 'integer' },
      offset: { type: 'string', description: '64-bit offset as a decimal string' },
    },
    ['key', 'partition', 'offset'],
  ),
})
@Injectable()
export class KafkaSubscribeStep implements StepRunner<KafkaSubscribeStepConfig, KafkaSubscribeStepResult, KafkaResourceConfig>, OnModuleDestroy {
  private readonly clusters: ClientPool<KafkaCluster, StepResource<KafkaResourceConfig>>;
  private readonly groupLock: KafkaGroupLock;
  private readonly consumers = new Set<Consumer>();
  private readonly subscriptions = new Set<KafkaSubscription>();

  constructor(pools: StepClientPools, @Inject(REDIS_CLIENT) redis: Redis, redisFactory: RedisFactory, egress: EgressService) {
    this.groupLock = new KafkaGroupLock(redis, (group, topic) => redisFactory.key('lock', 'kafka-group', group, topic));
    this.clusters = pools.create<KafkaCluster, KafkaResourceConfig>({
      create: async (resource) => {
        const kafka = new Kafka(await kafkaStepClientConfig(resource, egress));
        const admin = kafka.admin();
        await admin.connect();
        return { kafka, admin };
      },
      close: ({ admin }) => admin.disconnect(),
    });
  }

  async run(ctx: StepContext<KafkaSubscribeStepConfig, KafkaResourceConfig>): Promise<KafkaSubscribeStepResult> {
    const complete = await this.prepare(ctx);
    return complete();
  }

  async prepare(ctx: StepContext<KafkaSubscribeStepConfig, KafkaResourceConfig>): Promise<(late?: Partial<KafkaSubscribeStepConfig>) => Promise<KafkaSubscribeStepResult>> {
    const resource = ctx.resource;
    const { config } = ctx;
    if (config.searchPattern) createMessageMatcher(config.searchPattern); // a bad pattern fails before connecting
    const freshGroup = !config.consumerGroup;
    const groupId = config.consumerGroup ?? `ats-${ctx.executionId}-${ctx.stepName}`;
    const lock: HeldLock | undefined = freshGroup ? undefined : await this.groupLock.acquire(groupId, config.topic, { deadline: ctx.deadline, signal: ctx.signal });
    let lease: ClientLease<KafkaCluster>;
    const acquiring = this.clusters.acquire(resource);
    try {
      lease = await untilAborted(acquiring, ctx.signal);
    } catch (error) {
      if (ctx.signal.aborted) void acquiring.then((late) => late.release(), () => undefined);
      await lock?.release();
      throw new StepError(`cannot connect to Kafka on resource "${resource.name}": ${(error as Error)?.message ?? String(error)}`);
    }
    const subscription: KafkaSubscription = new KafkaSubscription({
      kafka: lease.client.kafka,
      admin: lease.client.admin,
      groupId,
      freshGroup,
      config,
      signal: ctx.signal,
      deadline: ctx.deadline,
      resourceName: resource.name,
      deferMatch: ctx.deferredFields?.includes('searchPattern') === true,
      onConsumer: (consumer, alive) => (alive ? this.consumers.add(consumer) : this.consumers.delete(consumer)),
      onClosed: async () => {
        this.subscriptions.delete(subscription);
        lease.release();
        await lock?.release();
      },
    });
    this.subscriptions.add(subscription);
    await subscription.prepare();
    return async (late) => {
      // An invalid pattern ends the search with a step error saying so.
      if (late && 'searchPattern' in late) subscription.startMatching(late.searchPattern);
      return subscription.result;
    };
  }

  /** Consumers connected right now (each disconnects on completion, timeout, abort or shutdown). */
  liveConsumerCount(): number {
    return this.consumers.size;
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop('the worker is shutting down')));
    await Promise.all([...this.consumers].map((consumer) => consumer.disconnect().catch(() => undefined)));
    await this.clusters.closeAll();
  }
}
