import { Module } from '@nestjs/common';
import { KafkaConnectionTester } from './kafka-connection.tester';
import { KafkaPublishStep } from './publish/kafka-publish.step';
import { KafkaSubscribeStep } from './subscribe/kafka-subscribe.step';

/** StepClientPools (pooled clients), REDIS_CLIENT and RedisFactory (the subscribe step's group locks) are global. */
@Module({ providers: [KafkaConnectionTester, KafkaPublishStep, KafkaSubscribeStep] })
export class KafkaIntegrationModule {}
