import { Module } from '@nestjs/common';
import { ResourcesModule } from '../../resources/resources.module';
import { KafkaSubscribeStep } from './kafka-subscribe.step';

/** REDIS_CLIENT and RedisFactory (group locks) come from the global RedisModule. */
@Module({ imports: [ResourcesModule], providers: [KafkaSubscribeStep] })
export class KafkaSubscribeStepModule {}
