import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FlowsModule } from '../flows/flows.module';
import { ExecutionProgressService } from './execution-progress.service';
import { ExecutionRecoveryStore } from './execution-recovery.store';
import { ExecutionRetentionStore } from './execution-retention.store';
import { ExecutionUpdatePublisher } from './execution-update.publisher';
import { ExecutionStep } from './execution-step.entity';
import { Execution } from './execution.entity';
import { ExecutionsRepository } from './executions.repository';
import { ExecutionsService } from './executions.service';
import { ExecutionLineageStore } from './sub-flows/execution-lineage.store';
import { ExecutionStatsService } from './stats/execution-stats.service';
import { ExecutionStatsStore } from './stats/execution-stats.store';

/** Execution records: creating and reading runs (API) and recording their progress (engine). */
@Module({
  imports: [TypeOrmModule.forFeature([Execution, ExecutionStep]), FlowsModule],
  providers: [ExecutionsRepository, ExecutionsService, ExecutionProgressService, ExecutionUpdatePublisher, ExecutionRecoveryStore, ExecutionRetentionStore, ExecutionLineageStore, ExecutionStatsStore, ExecutionStatsService],
  exports: [ExecutionsService, ExecutionProgressService, ExecutionUpdatePublisher, ExecutionsRepository, ExecutionRecoveryStore, ExecutionRetentionStore, ExecutionLineageStore, ExecutionStatsService],
})
export class ExecutionsModule {}
