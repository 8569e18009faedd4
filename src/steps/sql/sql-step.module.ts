import { Module } from '@nestjs/common';
import { ResourcesModule } from '../../resources/resources.module';
import { SqlStep } from './sql.step';

@Module({ imports: [ResourcesModule], providers: [SqlStep] })
export class SqlStepModule {}
