import { Module } from '@nestjs/common';
import { RedisConnectionTester } from './redis-connection.tester';
import { RedisStep } from './redis.step';

@Module({ providers: [RedisConnectionTester, RedisStep] })
export class RedisIntegrationModule {}
