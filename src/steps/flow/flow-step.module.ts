import { Module } from '@nestjs/common';
import { FlowStep } from './flow.step';

@Module({ providers: [FlowStep] })
export class FlowStepModule {}
