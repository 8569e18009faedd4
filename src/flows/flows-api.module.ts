import { Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module';
import { FlowExchangeController } from './exchange/flow-exchange.controller';
import { FlowsController } from './flows.controller';
import { FlowsModule } from './flows.module';
import { OpenApiImportController } from './import/openapi-import.controller';
import { OpenApiImportService } from './import/openapi-import.service';

/** HTTP surface of flows (api/all modes). */
@Module({
  imports: [IdentityModule, FlowsModule],
  // FlowExchangeController first: its static `flows/export` route must be registered before `flows/:flowId`.
  controllers: [OpenApiImportController, FlowExchangeController, FlowsController],
  providers: [OpenApiImportService],
})
export class FlowsApiModule {}
