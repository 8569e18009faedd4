import { Module } from '@nestjs/common';
import { ResourcesModule } from '../../resources/resources.module';
import { KafkaPublishStep } from './kafka-publish.step';

@Module({ imports: [ResourcesModule], providers: [KafkaPublishStep] })
export class KafkaPublishStepModule {}
