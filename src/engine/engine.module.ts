import { Global, Module } from '@nestjs/common';
import { CHILD_FLOW_RUNNER } from '../steps/child-flow-runner';
import { InlineChildFlowRunner } from './sub-flows/inline-child-flow-runner';
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

/**
 * The worker side: queue consumer, FlowRunner and step executor (modes worker and all only).
 * Global for the ChildFlowRunner port the `flow` step plugin (in StepsModule, which
 * the engine imports) runs children through — the plugin gets the port without importing the engine.
 */
@Global()
@Module({
  imports: [ExecutionsModule, FlowsModule, ResourcesModule, StepsModule],
  providers: [
    RunningExecutions,
    StepExecutor,
    RunPlanner,
    FlowRunner,
    ExecutionWorkerService,
    ExecutionReconcilerService,
    ExecutionHeartbeatService,
    InlineChildFlowRunner,
    { provide: CHILD_FLOW_RUNNER, useExisting: InlineChildFlowRunner },
  ],
  // RunningExecutions: read by the worker's metrics (slots in use).
  exports: [CHILD_FLOW_RUNNER, RunningExecutions],
})
export class EngineModule {}
