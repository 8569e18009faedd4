import { Module } from '@nestjs/common';
import { AmqpConnectionTester } from './amqp-connection.tester';
import { AmqpConnections } from './amqp-connections';
import { AmqpConsumeStep } from './amqp-consume.step';
import { AmqpPublishStep } from './amqp-publish.step';

/**
 * RabbitMQ: the `amqp` resource type (its tester registers it: discovery is global) and the
 * amqp-publish / amqp-consume steps, which share one pooled connection per resource version
 * (from StepClientPools, global).
 */
@Module({ providers: [AmqpConnectionTester, AmqpConnections, AmqpPublishStep, AmqpConsumeStep] })
export class AmqpIntegrationModule {}
