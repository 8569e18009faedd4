import { Injectable } from '@nestjs/common';
import { AppException } from '../../common/errors/app.exception';
import { ExecutionProgressService } from '../../executions/execution-progress.service';
import { ExecutionsService } from '../../executions/executions.service';
import { ExecutionLineageStore } from '../../executions/sub-flows/execution-lineage.store';
import { MAX_FLOW_NESTING, type ChildFlowRequest, type ChildFlowResult, type ChildFlowRunner } from '../../steps/child-flow-runner';
import { StepError } from '../../steps/step-plugin';
import { FlowRunner } from '../runner/flow-runner';
import { CancelledError } from '../runner/running-executions';

/**
 * Runs a `flow` step's child execution INLINE, inside the parent's worker slot, rather than queueing it.
 * A queued child would need a free worker slot while its parent holds one and waits: with every slot
 * held by parents waiting for queued children, nothing would run again (a deadlock the queue cannot
 * see). Inline, a parent and its children use one slot, whatever the concurrency. The child is still a
 * real execution: created like a run request (trigger "flow", parentExecutionId set, its own rows,
 * live stream and report), run by the same FlowRunner, cancelled through the parent step's signal.
 *
 * Recovery: a child is not resumed on its own (the reconciler skips children); when the parent resumes
 * on another worker it re-runs the `flow` step, which closes the old child and starts a fresh one.
 */
@Injectable()
export class InlineChildFlowRunner implements ChildFlowRunner {
  constructor(
    private readonly executions: ExecutionsService,
    private readonly lineage: ExecutionLineageStore,
    private readonly progress: ExecutionProgressService,
    private readonly runner: FlowRunner,
  ) {}

  async run(request: ChildFlowRequest): Promise<ChildFlowResult> {
    const parent = await this.lineage.parentOf(request.parentExecutionId, request.parentStepName);
    if (!parent?.step) throw new Error(`execution ${request.parentExecutionId} has no step "${request.parentStepName}"`);
    // The save-time check covers the latest versions; pinned versions and concurrent saves meet this one.
    const depth = parent.depth + 1;
    if (depth > MAX_FLOW_NESTING) {
      throw new StepError(`sub-flows nest at most ${MAX_FLOW_NESTING} levels deep; this flow step would start level ${depth}`);
    }
    request.signal.throwIfAborted();
    await this.lineage.abandonChildren(request.parentExecutionId, parent.step.stepIndex, 'abandoned: its parent execution was resumed and started this step again');
    const child = await this.create(request, parent.teamId, parent.userId, parent.step.stepIndex);
    // Through the parent's progress lane, so the link is stored and streamed in order with its other transitions.
    void this.progress.childStarted({ id: request.parentExecutionId, teamId: parent.teamId, seq: parent.seq, parentExecutionId: parent.parentExecutionId }, parent.step, child.id);
    await this.runner.run(child.id, undefined, undefined, {
      signal: request.signal,
      reason: () =>
        new CancelledError(
          isTimeout(request.signal.reason)
            ? `Cancelled: the parent's flow step "${request.parentStepName}" timed out`
            : `Cancelled with its parent execution ${request.parentExecutionId}`,
        ),
    });
    const ended = await this.executions.get(parent.teamId, child.id);
    const failed = ended.steps.find((s) => s.status === 'ERROR');
    return {
      executionId: ended.id,
      flowName: ended.flowName,
      status: ended.status === 'COMPLETED' || ended.status === 'CANCELLED' ? ended.status : 'FAILED',
      outputs: ended.outputs,
      // The failed step's own error: the execution's repeats it behind 'step "x" failed:'.
      error: failed?.error ?? ended.error,
      failedStep: failed?.name ?? null,
    };
  }

  private async create(request: ChildFlowRequest, teamId: string, userId: string | null, stepIndex: number) {
    const variables = Object.entries(request.variables).map(([name, value]) => ({ name, value }));
    try {
      return await this.executions.createPending({ teamId, userId: userId as string }, { flowId: request.flowId, version: request.version, variables }, 'flow', null, undefined, {
        executionId: request.parentExecutionId,
        stepIndex,
      });
    } catch (error) {
      if (!(error instanceof AppException)) throw error;
      // Another team's flow is indistinguishable from a missing one, as everywhere (DESIGN.md §7).
      const problems = (error.details as { problems?: Array<{ field: string; message: string }> } | undefined)?.problems;
      if (problems?.length) throw new StepError(`the child flow's variables are invalid: ${problems.map((p) => p.message).join('; ')}`);
      const what = request.version === undefined ? `flow ${request.flowId}` : `version ${request.version} of flow ${request.flowId}`;
      throw new StepError(`${what} not found in this team`);
    }
  }
}

function isTimeout(reason: unknown): boolean {
  return reason instanceof Error && reason.name === 'TimeoutError';
}
