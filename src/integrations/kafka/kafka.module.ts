import { Module } from '@nestjs/common';
import { ResourcesModule } from '../../resources/resources.module';
import { KafkaConnectionTester } from './kafka-connection.tester';
import { KafkaPublishStep } from './publish/kafka-publish.step';
import { KafkaSubscribeStep } from './subscribe/kafka-subscribe.step';

/** REDIS_CLIENT and RedisFactory (the subscribe step's group locks) come from the global RedisModule. */
@Module({ imports: [ResourcesModule], providers: [KafkaConnectionTester, KafkaPublishStep, KafkaSubscribeStep] })
export class KafkaIntegrationModule {}
