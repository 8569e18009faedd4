import { Module } from '@nestjs/common';
import { MqttConnectionTester } from './mqtt-connection.tester';
import { MqttPublishStep } from './mqtt-publish.step';
import { MqttSubscribeStep } from './mqtt-subscribe.step';

/**
 * The MQTT integration: the `mqtt` resource type (its @ResourceType tester, found by discovery) and the
 * mqtt-publish / mqtt-subscribe steps. EgressService and StepClientPools are global.
 */
@Module({ providers: [MqttConnectionTester, MqttPublishStep, MqttSubscribeStep] })
export class MqttIntegrationModule {}
