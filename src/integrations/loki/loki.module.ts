import { Module } from '@nestjs/common';
import { LokiConnectionTester } from './loki-connection.tester';
import { LokiStep } from './loki.step';

@Module({ providers: [LokiConnectionTester, LokiStep] })
export class LokiIntegrationModule {}
