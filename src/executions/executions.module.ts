import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FlowsModule } from '../flows/flows.module';
import { ExecutionJobQueue } from './execution-job-queue';
import { ExecutionProgressService } from './execution-progress.service';
import { ExecutionRecoveryStore } from './execution-recovery.store';
import { ExecutionRetentionStore } from './execution-retention.store';
import { ExecutionUpdatePublisher } from './execution-update.publisher';
import { ExecutionStep } from './execution-step.entity';
import { Execution } from './execution.entity';
import { ExecutionsRepository } from './executions.repository';
import { ExecutionsService } from './executions.service';
import { ExecutionRerunService } from './rerun/execution-rerun.service';
import { ExecutionLineageStore } from './sub-flows/execution-lineage.store';
import { TeamRunRateLimiter } from './team-run-rate-limiter';
import { ExecutionStatsService } from './stats/execution-stats.service';
import { ExecutionStatsStore } from './stats/execution-stats.store';
import { ExecutionBatchService } from './batch/execution-batch.service';

/** Execution records: creating and reading runs (API) and recording their progress (engine). */
@Module({
  imports: [TypeOrmModule.forFeature([Execution, ExecutionStep]), FlowsModule],
  providers: [ExecutionJobQueue, ExecutionsRepository, ExecutionsService, ExecutionProgressService, ExecutionUpdatePublisher, ExecutionRecoveryStore, ExecutionRetentionStore, ExecutionLineageStore, TeamRunRateLimiter, ExecutionStatsStore, ExecutionStatsService, ExecutionRerunService, ExecutionBatchService],
  exports: [ExecutionsService, TeamRunRateLimiter, ExecutionProgressService, ExecutionUpdatePublisher, ExecutionsRepository, ExecutionRecoveryStore, ExecutionRetentionStore, ExecutionLineageStore, ExecutionStatsService, ExecutionRerunService, ExecutionBatchService],
})
export class ExecutionsModule {}
