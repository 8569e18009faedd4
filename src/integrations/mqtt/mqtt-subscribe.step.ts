import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { EgressService } from '../../egress/egress.service';
import { checkSearchPattern, messageSearchResultSchema } from '../../steps/shared/message-search';
import { createMessageMatcher } from '../../steps/shared/message-matcher';
import type { StepContext, StepRunner } from '../../steps/step-plugin';
import { StepPlugin } from '../../steps/step-plugin.decorator';
import { MqttConnection } from './mqtt-connection';
import { MqttResourceConfig } from './mqtt-resource-config.dto';
import { describeMqttFailure, MQTT_POOL_CONNECT_TIMEOUT_MS } from './mqtt-step-resource';
import { MqttSubscribeStepConfig, type MqttSubscribeStepResult } from './mqtt-subscribe-step.config';
import { MqttSubscription } from './mqtt-subscription';

@StepPlugin({
  type: 'mqtt-subscribe',
  description:
    'Waits for MQTT messages on topic filters (+ and # wildcards) that match a pattern (text contained, a JSONPath, or an MQTT 5 user property with matchType header). Run it in the background before the step that causes the message: it is subscribed (SUBACK) before the flow moves on. Retained messages handed out on subscribing are ignored unless retained is "include".',
  config: MqttSubscribeStepConfig,
  resource: MqttResourceConfig,
  validateRaw: checkSearchPattern,
  // The signature pattern: subscribe, trigger, match on the id the trigger returned.
  lateFields: ['searchPattern'],
  resultSchema: messageSearchResultSchema(
    {
      topic: { type: 'string', description: 'The topic it was published to' },
      headers: { type: 'object', additionalProperties: true, description: 'MQTT 5 user properties (empty with MQTT 3.1.1)' },
      timestamp: { type: 'string', format: 'date-time', description: 'When the service received it (MQTT carries no timestamp)' },
      qos: { type: 'integer', enum: [0, 1, 2], description: 'QoS delivered with: the lower of the published and the subscription QoS' },
      retain: { type: 'boolean', description: 'A retained message handed out on subscribing (retained: "include" only)' },
      truncated: { type: 'boolean', description: 'The body was longer than 1 MiB: value holds its beginning' },
    },
    ['topic', 'qos', 'retain'],
  ),
})
@Injectable()
export class MqttSubscribeStep implements StepRunner<MqttSubscribeStepConfig, MqttSubscribeStepResult, MqttResourceConfig>, OnModuleDestroy {
  private readonly subscriptions = new Set<MqttSubscription>();

  constructor(private readonly egress: EgressService) {}

  async run(ctx: StepContext<MqttSubscribeStepConfig, MqttResourceConfig>): Promise<MqttSubscribeStepResult> {
    const complete = await this.prepare(ctx);
    return complete();
  }

  /**
   * Each subscription opens a connection of its own (not pooled: see MqttSubscription) and resolves
   * once the broker has acknowledged the subscription.
   */
  async prepare(ctx: StepContext<MqttSubscribeStepConfig, MqttResourceConfig>): Promise<(late?: Partial<MqttSubscribeStepConfig>) => Promise<MqttSubscribeStepResult>> {
    const resource = ctx.resource;
    const { config } = ctx;
    if (config.searchPattern) createMessageMatcher(config.searchPattern); // a bad pattern fails before connecting
    const topics = config.topics.map((t) => `"${t}"`).join(', ');
    let connection: MqttConnection;
    try {
      connection = await MqttConnection.open(resource.config, this.egress, {
        timeoutMs: Math.max(1, Math.min(MQTT_POOL_CONNECT_TIMEOUT_MS, ctx.deadline - Date.now())),
        signal: ctx.signal,
      });
    } catch (error) {
      throw describeMqttFailure(error, ctx, `cannot subscribe to ${topics} on resource "${resource.name}"`);
    }
    const subscription: MqttSubscription = new MqttSubscription({
      connection,
      config,
      resourceName: resource.name,
      signal: ctx.signal,
      deadline: ctx.deadline,
      deferMatch: ctx.deferredFields?.includes('searchPattern') === true,
      log: ctx.log,
      onClosed: () => this.subscriptions.delete(subscription),
    });
    this.subscriptions.add(subscription);
    try {
      await subscription.subscribe();
    } catch (error) {
      throw describeMqttFailure(error, ctx, `cannot subscribe to ${topics} on resource "${resource.name}"`);
    }
    return async (late) => {
      if (late && 'searchPattern' in late) subscription.startMatching(late.searchPattern);
      return subscription.result;
    };
  }

  /** Subscriptions open right now (each closes its connection on completion, timeout, abort or shutdown). */
  liveSubscriptionCount(): number {
    return this.subscriptions.size;
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop('the worker is shutting down')));
  }
}
