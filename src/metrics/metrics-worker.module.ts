import { Module } from '@nestjs/common';
import { ExecutionsModule } from '../executions/executions.module';
import { ExecutionMetricsListener } from './execution-metrics.listener';
import { WorkerSlotsCollector } from './worker-slots.collector';

/**
 * The worker's metrics (worker and all modes): executions and steps are counted where they run, so
 * an API-only process never reports them. RunningExecutions comes from the (global) EngineModule.
 */
@Module({
  imports: [ExecutionsModule],
  providers: [ExecutionMetricsListener, WorkerSlotsCollector],
})
export class MetricsWorkerModule {}
