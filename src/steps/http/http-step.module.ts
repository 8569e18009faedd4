import { Module } from '@nestjs/common';
import { HttpStep } from './http.step';

@Module({ providers: [HttpStep] })
export class HttpStepModule {}
