import { Global, Module } from '@nestjs/common';
import { StepClientPools } from '../steps/step-client-pools';
import { ResourceClientPools } from './resource-client-pools';
import { ResourcesModule } from './resources.module';

/**
 * Provides the StepClientPools port to every plugin module, which therefore needs no import of
 * ResourcesModule (global: plugin modules are imported by StepsModule, and a parent's providers are
 * not visible to its imports).
 */
@Global()
@Module({
  imports: [ResourcesModule],
  providers: [{ provide: StepClientPools, useClass: ResourceClientPools }],
  exports: [StepClientPools],
})
export class StepClientPoolsModule {}
