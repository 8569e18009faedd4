import { Module } from '@nestjs/common';
import { JetStreamConsumeStep } from './jetstream-consume.step';
import { JetStreamPublishStep } from './jetstream-publish.step';
import { NatsConnectionTester } from './nats-connection.tester';
import { NatsConnections } from './nats-connections';
import { NatsPublishStep } from './nats-publish.step';
import { NatsRequestStep } from './nats-request.step';
import { NatsSubscribeStep } from './nats-subscribe.step';

/**
 * NATS and JetStream: the `nats` resource type (its tester, found by the global discovery) and the five
 * step types, sharing one pool of connections per resource version (from StepClientPools, global).
 */
@Module({
  providers: [NatsConnectionTester, NatsConnections, NatsPublishStep, NatsSubscribeStep, NatsRequestStep, JetStreamPublishStep, JetStreamConsumeStep],
})
export class NatsIntegrationModule {}
