import { Module } from '@nestjs/common';
import { ExecutionsModule } from '../executions/executions.module';
import { IdentityModule } from '../identity/identity.module';
import { SuiteRunGateway } from './live/suite-run.gateway';
import { SuiteRunStreamHub } from './live/suite-run-stream.hub';
import { SuiteRunWaiter } from './live/suite-run-waiter';
import { WebhooksController } from './notifications/webhooks.controller';
import { SuiteReportsController } from './reports/suite-reports.controller';
import { SuiteRunsController } from './runs/suite-runs.controller';
import { SuitesController } from './suites.controller';
import { SuitesModule } from './suites.module';

/** HTTP, SSE and Socket.IO surface of suites, suite runs and reports (api/all modes). */
@Module({
  imports: [SuitesModule, ExecutionsModule, IdentityModule],
  controllers: [SuitesController, WebhooksController, SuiteRunsController, SuiteReportsController],
  providers: [SuiteRunStreamHub, SuiteRunGateway, SuiteRunWaiter],
})
export class SuitesApiModule {}
