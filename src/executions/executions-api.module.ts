import { Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module';
import { ExecutionsController } from './executions.controller';
import { ExecutionsModule } from './executions.module';
import { ExecutionGateway } from './live/execution.gateway';
import { ExecutionStreamHub } from './live/execution-stream.hub';
import { ExecutionStatsController } from './stats/execution-stats.controller';
import { TeamUsageController } from './usage/team-usage.controller';
import { TeamUsageService } from './usage/team-usage.service';

/** HTTP, SSE and Socket.IO surface of executions (api/all mode). */
@Module({
  imports: [ExecutionsModule, IdentityModule],
  controllers: [ExecutionsController, ExecutionStatsController, TeamUsageController],
  providers: [ExecutionStreamHub, ExecutionGateway, TeamUsageService],
})
export class ExecutionsApiModule {}
