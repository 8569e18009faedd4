import { Module } from '@nestjs/common';
import { PrometheusStep } from './prometheus.step';

@Module({ providers: [PrometheusStep] })
export class PrometheusStepModule {}
