import { Module } from '@nestjs/common';
import { PrometheusConnectionTester } from './prometheus-connection.tester';
import { PrometheusStep } from './prometheus.step';

@Module({ providers: [PrometheusConnectionTester, PrometheusStep] })
export class PrometheusIntegrationModule {}
