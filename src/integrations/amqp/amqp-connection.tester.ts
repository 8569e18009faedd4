import { Injectable } from '@nestjs/common';
import type { ChannelModel } from 'amqplib';
import type { ConnectionTestContext, ResourceConnectionTester } from '../../resources/resource-type';
import { ResourceType } from '../../resources/resource-type.decorator';
import { untilAborted } from '../../steps/shared/until-aborted';
import { amqpEgressTargets, amqpErrorMessage, connectAmqp } from './amqp-connection-options';
import { amqpSecretFields, AmqpResourceConfig } from './amqp-resource-config.dto';

@ResourceType({
  type: 'amqp',
  description: 'RabbitMQ (AMQP 0-9-1) broker for amqp-publish and amqp-consume steps (URL or host/port/vhost, TLS)',
  config: AmqpResourceConfig,
  secrets: amqpSecretFields,
  addressFields: ['url', 'host', 'port'],
  egressTargets: (config) => amqpEgressTargets(config as AmqpResourceConfig),
  example: { host: 'rabbit.internal', port: 5671, vhost: 'orders', username: 'orders-tests', password: 'change-me', tls: { rejectUnauthorized: true } },
})
@Injectable()
export class AmqpConnectionTester implements ResourceConnectionTester<AmqpResourceConfig> {
  /** Connects (credentials and vhost are checked in the handshake), opens a channel, and reports the broker. */
  async test(config: AmqpResourceConfig, { signal, timeoutMs, egress }: ConnectionTestContext): Promise<Record<string, unknown>> {
    const connecting = connectAmqp(config, egress, timeoutMs);
    let model: ChannelModel;
    try {
      model = await untilAborted(connecting, signal);
    } catch (error) {
      if (signal.aborted) void connecting.then((late) => late.close(), () => undefined);
      throw new Error(amqpErrorMessage(error));
    }
    model.on('error', () => undefined);
    try {
      const channel = await untilAborted(model.createChannel(), signal);
      await channel.close();
      const server = model.connection.serverProperties;
      return { product: server.product, version: server.version, clusterName: server.cluster_name };
    } catch (error) {
      throw new Error(amqpErrorMessage(error));
    } finally {
      await model.close().catch(() => undefined);
    }
  }
}
