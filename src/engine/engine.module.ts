import { Module } from '@nestjs/common';
import { ExecutionsModule } from '../executions/executions.module';
import { FlowsModule } from '../flows/flows.module';
import { ResourcesModule } from '../resources/resources.module';
import { StepsModule } from '../steps/steps.module';
import { FlowRunner } from './runner/flow-runner';
import { RunPlanner } from './runner/run-plan';
import { RunningExecutions } from './runner/running-executions';
import { StepExecutor } from './runner/step-executor';
import { ExecutionHeartbeatService } from './worker/execution-heartbeat.service';
import { ExecutionReconcilerService } from './worker/execution-reconciler.service';
import { ExecutionWorkerService } from './worker/execution-worker.service';

/** The worker side: queue consumer, FlowRunner and step executor (modes worker and all only). */
@Module({
  imports: [ExecutionsModule, FlowsModule, ResourcesModule, StepsModule],
  providers: [RunningExecutions, StepExecutor, RunPlanner, FlowRunner, ExecutionWorkerService, ExecutionReconcilerService, ExecutionHeartbeatService],
})
export class EngineModule {}
