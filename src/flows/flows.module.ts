import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ResourcesModule } from '../resources/resources.module';
import { ResourcesService } from '../resources/resources.service';
import { StepsModule } from '../steps/steps.module';
import { FlowExchangeService } from './exchange/flow-exchange.service';
import { FlowVersion } from './flow-version.entity';
import { Flow } from './flow.entity';
import { FlowsService } from './flows.service';
import { FLOW_RESOURCE_CATALOG } from './resources/flow-resource-catalog';
import { FlowResourceUsage } from './resources/flow-resource-usage';
import { FlowValidator } from './validation/flow-validator.service';
import { SubFlowChecks } from './validation/sub-flow-checks';
import { FlowVersionReader } from './versions/flow-version-reader';

/**
 * Flows and their immutable versions (no controllers: those are in FlowsApiModule). Exports
 * FlowsService, whose getVersionForRun is what new executions pin, and FlowVersionReader, through which
 * the engine reads the pinned (immutable, cached) version.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Flow, FlowVersion]), StepsModule, ResourcesModule],
  providers: [
    FlowsService,
    FlowVersionReader,
    FlowValidator,
    SubFlowChecks,
    FlowExchangeService,
    FlowResourceUsage,
    // Validation and import/export see resources only through the narrow FlowResourceCatalog port.
    { provide: FLOW_RESOURCE_CATALOG, useExisting: ResourcesService },
  ],
  exports: [FlowsService, FlowVersionReader, FlowExchangeService],
})
export class FlowsModule {}
