import { Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module';
import { ExecutionsController } from './executions.controller';
import { ExecutionsModule } from './executions.module';
import { ExecutionGateway } from './live/execution.gateway';
import { ExecutionStreamHub } from './live/execution-stream.hub';
import { ExecutionStatsController } from './stats/execution-stats.controller';

/** HTTP, SSE and Socket.IO surface of executions (api/all mode). */
@Module({
  imports: [ExecutionsModule, IdentityModule],
  controllers: [ExecutionsController, ExecutionStatsController],
  providers: [ExecutionStreamHub, ExecutionGateway],
})
export class ExecutionsApiModule {}
