import { Module } from '@nestjs/common';
import { ResourcesModule } from '../../resources/resources.module';
import { RedisConnectionTester } from './redis-connection.tester';
import { RedisStep } from './redis.step';

@Module({ imports: [ResourcesModule], providers: [RedisConnectionTester, RedisStep] })
export class RedisIntegrationModule {}
