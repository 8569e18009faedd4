import { Module } from '@nestjs/common';
import { StepCatalogueController } from './step-catalogue.controller';
import { StepsModule } from './steps.module';

@Module({ imports: [StepsModule], controllers: [StepCatalogueController] })
export class StepsApiModule {}
