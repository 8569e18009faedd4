import { Module } from '@nestjs/common';
import { ResourcesModule } from '../../resources/resources.module';
import { MqttConnectionTester } from './mqtt-connection.tester';
import { MqttPublishStep } from './mqtt-publish.step';
import { MqttSubscribeStep } from './mqtt-subscribe.step';

/**
 * The MQTT integration: the `mqtt` resource type (its @ResourceType tester, found by discovery) and the
 * mqtt-publish / mqtt-subscribe steps. EgressService comes from the global EgressModule.
 */
@Module({ imports: [ResourcesModule], providers: [MqttConnectionTester, MqttPublishStep, MqttSubscribeStep] })
export class MqttModule {}
