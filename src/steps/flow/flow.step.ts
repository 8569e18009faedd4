import { Inject, Injectable, Optional } from '@nestjs/common';
import { CHILD_FLOW_RUNNER, SUB_FLOW_STEP_TYPE, type ChildFlowRunner } from '../child-flow-runner';
import { StepPlugin } from '../step-plugin.decorator';
import { StepError, type StepContext, type StepRunner } from '../step-plugin';
import { FlowStepConfig } from './flow-step.config';

export interface FlowStepResult extends Record<string, unknown> {
  executionId: string;
  status: string;
  outputs: Record<string, unknown>;
}

@StepPlugin({
  type: SUB_FLOW_STEP_TYPE,
  description:
    'Runs another flow of the team (latest or pinned version) as a child execution with the given variables; its result is {executionId, status, outputs}, so later steps read ${step.response.outputs.<name>}. A failed child fails this step; cancelling the parent, or this step timing out, cancels the child.',
  config: FlowStepConfig,
  resultSchema: {
    type: 'object',
    properties: {
      executionId: { type: 'string', format: 'uuid', description: 'The child execution' },
      status: { type: 'string', enum: ['COMPLETED'] },
      outputs: { type: 'object', additionalProperties: true, description: "The child flow's declared outputs" },
    },
  },
  validateRaw: (config) =>
    typeof config.flowId === 'string' && config.flowId.includes('${') ? [{ path: '/flowId', message: 'flowId must be a literal flow id (references are not allowed here)' }] : [],
})
@Injectable()
export class FlowStep implements StepRunner<FlowStepConfig, FlowStepResult> {
  // Absent in an API-only process, which validates flow steps but never runs one.
  constructor(@Optional() @Inject(CHILD_FLOW_RUNNER) private readonly children?: ChildFlowRunner) {}

  async run(ctx: StepContext<FlowStepConfig>): Promise<FlowStepResult> {
    if (!this.children) throw new StepError('this process cannot run sub-flows (no engine)');
    const child = await this.children.run({
      parentExecutionId: ctx.executionId,
      parentStepName: ctx.stepName,
      flowId: ctx.config.flowId,
      version: ctx.config.version,
      variables: ctx.config.variables ?? {},
      signal: ctx.signal,
    });
    // Cancelled with this step (parent cancelled, step timed out): the engine reports the reason itself.
    ctx.signal.throwIfAborted();
    if (child.status !== 'COMPLETED') {
      const at = child.failedStep ?? '(none)';
      throw new StepError(`child flow "${child.flowName}" ${child.status === 'CANCELLED' ? 'was cancelled' : 'failed'} at step "${at}": ${child.error ?? 'no error recorded'}`, {
        executionId: child.executionId,
      });
    }
    return { executionId: child.executionId, status: child.status, outputs: child.outputs ?? {} };
  }
}
