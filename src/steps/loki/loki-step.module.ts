import { Module } from '@nestjs/common';
import { LokiStep } from './loki.step';

@Module({ providers: [LokiStep] })
export class LokiStepModule {}
