import { Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module';
import { FlowExchangeController } from './exchange/flow-exchange.controller';
import { FlowsController } from './flows.controller';
import { FlowsModule } from './flows.module';

/** HTTP surface of flows (api/all modes). */
@Module({
  imports: [IdentityModule, FlowsModule],
  // FlowExchangeController first: its static `flows/export` route must be registered before `flows/:flowId`.
  controllers: [FlowExchangeController, FlowsController],
})
export class FlowsApiModule {}
