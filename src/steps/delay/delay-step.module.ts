import { Module } from '@nestjs/common';
import { DelayStep } from './delay.step';

@Module({ providers: [DelayStep] })
export class DelayStepModule {}
