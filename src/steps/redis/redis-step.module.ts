import { Module } from '@nestjs/common';
import { ResourcesModule } from '../../resources/resources.module';
import { RedisStep } from './redis.step';

@Module({ imports: [ResourcesModule], providers: [RedisStep] })
export class RedisStepModule {}
