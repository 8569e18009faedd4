import { Injectable } from '@nestjs/common';
import type { ConnectionTestContext, ResourceConnectionTester } from '../../resources/resource-type';
import { ResourceType } from '../../resources/resource-type.decorator';
import { MqttConnection, mqttEgressTargets } from './mqtt-connection';
import { MQTT_SECRETS, MqttResourceConfig } from './mqtt-resource-config.dto';

@ResourceType({
  type: 'mqtt',
  description: 'MQTT broker (3.1.1 or 5.0; mqtt:// or mqtts://, user/password) for mqtt-publish and mqtt-subscribe steps',
  config: MqttResourceConfig,
  secrets: MQTT_SECRETS,
  addressFields: ['url'],
  egressTargets: (config) => mqttEgressTargets(config as MqttResourceConfig),
  example: { url: 'mqtts://broker.internal:8883', clientIdPrefix: 'ats-orders', user: 'qa-runner', password: 'change-me', protocolVersion: 5 },
})
@Injectable()
export class MqttConnectionTester implements ResourceConnectionTester<MqttResourceConfig> {
  /** Connects and authenticates (CONNECT → CONNACK accepted), then disconnects. */
  async test(config: MqttResourceConfig, { signal, timeoutMs, egress }: ConnectionTestContext): Promise<Record<string, unknown>> {
    const connection = await MqttConnection.open(config, egress, { timeoutMs, signal });
    try {
      const properties = connection.connack.properties;
      return {
        protocolVersion: config.protocolVersion === 4 ? '3.1.1' : '5.0',
        clientId: connection.clientId,
        // What an MQTT 5 broker announces about itself (absent: the protocol default applies).
        ...(properties && {
          maximumQoS: properties.maximumQoS,
          retainAvailable: properties.retainAvailable,
          wildcardSubscriptionAvailable: properties.wildcardSubscriptionAvailable,
          maximumPacketSize: properties.maximumPacketSize,
        }),
      };
    } finally {
      await connection.close();
    }
  }
}
