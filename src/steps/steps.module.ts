import { Module, type Type } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { IntegrationsModule } from '../integrations/integrations.module';
import { ResourcesModule } from '../resources/resources.module';
import { StepClientPoolsModule } from '../resources/step-client-pools.module';
import { DelayStepModule } from './delay/delay-step.module';
import { FlowStepModule } from './flow/flow-step.module';
import { StepRegistry } from './step-registry.service';

/**
 * Core step types, which need no resource. Step types of a technology live in its integration
 * (src/integrations/<tech>/, listed in INTEGRATION_MODULES).
 */
const STEP_PLUGIN_MODULES: Type[] = [DelayStepModule, FlowStepModule];

/**
 * The step plugin registry with every step type: the core ones and the integrations'. Imported by the
 * API (catalogue, save-time validation) and the worker (execution), so both see the same types.
 */
@Module({
  // ResourcesModule: the resource type registry, to link each plugin's `resource` class to its type at boot.
  // StepClientPoolsModule (global): the pooled-client port the plugins inject.
  imports: [DiscoveryModule, ResourcesModule, StepClientPoolsModule, IntegrationsModule, ...STEP_PLUGIN_MODULES],
  providers: [StepRegistry],
  exports: [StepRegistry],
})
export class StepsModule {}
