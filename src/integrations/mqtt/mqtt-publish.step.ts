import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { IPublishPacket } from 'mqtt';
import { EgressService } from '../../egress/egress.service';
import type { ClientLease, ClientPool } from '../../resources/client-pool';
import { addCorrelationHeaders, SENT_CORRELATION_SCHEMA } from '../../steps/shared/correlation-headers';
import { untilAborted } from '../../steps/shared/until-aborted';
import { StepClientPools } from '../../steps/step-client-pools';
import { StepError, type StepContext, type StepResource, type StepRunner } from '../../steps/step-plugin';
import { StepPlugin } from '../../steps/step-plugin.decorator';
import { MqttConnection } from './mqtt-connection';
import { MqttPublishStepConfig, messagePayload, type MqttPublishStepResult } from './mqtt-publish-step.config';
import { MqttResourceConfig } from './mqtt-resource-config.dto';
import { MQTT_POOL_CONNECT_TIMEOUT_MS, describeMqttFailure } from './mqtt-step-resource';

@StepPlugin({
  type: 'mqtt-publish',
  description:
    'Publishes one message to an MQTT topic (QoS 0/1/2, retain; MQTT 5 user properties, which also carry the run\'s correlation id and traceparent). With QoS 1/2 the step ends when the broker has acknowledged it.',
  config: MqttPublishStepConfig,
  resource: MqttResourceConfig,
  resultSchema: {
    type: 'object',
    properties: {
      topic: { type: 'string' },
      qos: { type: 'integer', enum: [0, 1, 2] },
      retain: { type: 'boolean' },
      bytes: { type: 'integer', description: 'Payload size sent' },
      timestamp: { type: 'string', format: 'date-time', description: 'When the broker acknowledged it (QoS 1/2) or it was written (QoS 0)' },
      reasonCode: { type: 'integer', description: 'MQTT 5 acknowledgement reason code: 0 success, 16 no matching subscribers' },
      sent: SENT_CORRELATION_SCHEMA,
    },
    required: ['topic', 'qos', 'retain', 'bytes', 'timestamp'],
  },
})
@Injectable()
export class MqttPublishStep implements StepRunner<MqttPublishStepConfig, MqttPublishStepResult, MqttResourceConfig>, OnModuleDestroy {
  /** One connection per resource version, shared by every publish: publishing needs no state of its own. */
  private readonly connections: ClientPool<MqttConnection, StepResource<MqttResourceConfig>>;

  constructor(pools: StepClientPools, egress: EgressService) {
    this.connections = pools.create<MqttConnection, MqttResourceConfig>({
      create: (resource) => MqttConnection.open(resource.config, egress, { timeoutMs: MQTT_POOL_CONNECT_TIMEOUT_MS }),
      close: (connection) => connection.close(),
    });
  }

  async run(ctx: StepContext<MqttPublishStepConfig, MqttResourceConfig>): Promise<MqttPublishStepResult> {
    const resource = ctx.resource;
    const config = resource.config;
    const { topic, qos = 1, retain = false } = ctx.config;
    const userProperties = { ...ctx.config.userProperties };
    if (config.protocolVersion === 4 && Object.keys(userProperties).length) {
      throw new StepError(`userProperties need MQTT 5, but resource "${resource.name}" uses MQTT 3.1.1 (protocolVersion 4)`, { field: 'userProperties' });
    }
    // Only MQTT 5 has a place for the correlation id and traceparent.
    const sent = config.protocolVersion === 4 ? undefined : addCorrelationHeaders(userProperties, ctx.config, ctx);
    const payload = messagePayload(ctx.config.message);
    const lease = await this.lease(resource, ctx);
    try {
      const packet = await this.publish(lease.client, ctx, topic, payload, {
        qos,
        retain,
        properties: Object.keys(userProperties).length ? { userProperties } : undefined,
      });
      // MQTT 5 leaves out a Success (0) reason code; 3.1.1 and QoS 0 have none.
      const reasonCode = config.protocolVersion === 4 || qos === 0 ? undefined : ((packet as { reasonCode?: number } | undefined)?.reasonCode ?? 0);
      return {
        topic,
        qos,
        retain,
        bytes: Buffer.byteLength(payload, 'utf8'),
        timestamp: new Date().toISOString(),
        ...(reasonCode !== undefined && { reasonCode }),
        ...(sent && { sent }),
      };
    } catch (error) {
      throw describeMqttFailure(error, ctx, `publish to topic "${topic}" on resource "${resource.name}" failed`);
    } finally {
      lease.release();
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.connections.closeAll();
  }

  /** A live pooled connection; one the broker dropped since its last use is replaced. */
  private async lease(resource: StepResource<MqttResourceConfig>, ctx: Pick<StepContext<unknown>, 'signal'>): Promise<ClientLease<MqttConnection>> {
    for (let attempt = 0; ; attempt++) {
      const acquiring = this.connections.acquire(resource);
      let lease: ClientLease<MqttConnection>;
      try {
        lease = await untilAborted(acquiring, ctx.signal);
      } catch (error) {
        // A connection still opening after an abort must be handed back, or it would never be idle-closed.
        if (ctx.signal.aborted) void acquiring.then((late) => late.release(), () => undefined);
        throw describeMqttFailure(error, ctx, `cannot connect to the MQTT broker of resource "${resource.name}"`);
      }
      if (lease.client.alive || attempt > 0) return lease;
      lease.release();
      await this.connections.drop(resource.id);
    }
  }

  /** Resolves with the broker's acknowledgement (QoS 1/2) or once written (QoS 0); fails if the connection drops first. */
  private publish(connection: MqttConnection, ctx: Pick<StepContext<unknown>, 'signal'>, topic: string, payload: string, options: Pick<IPublishPacket, 'qos' | 'retain' | 'properties'>) {
    let stopListening: () => void = () => undefined;
    const lost = new Promise<never>((_, reject) => {
      stopListening = connection.onLost((reason) => reject(new Error(`the connection was lost before the broker acknowledged the message: ${reason}`)));
    });
    return untilAborted(Promise.race([connection.client.publishAsync(topic, payload, options), lost]), ctx.signal).finally(() => stopListening());
  }
}
