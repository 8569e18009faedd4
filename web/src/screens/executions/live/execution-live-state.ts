import type { ExecutionDetail, ExecutionStepDetail, ExecutionUpdate } from '../../../api/executions';
import { judgeUpdate } from '../../../live/live-sequence';

/**
 * State of the live execution view: the last snapshot with every update after it applied in `seq`
 * order. `resyncNeeded` is set when an update is missing (a gap): the view then asks the stream to
 * re-join, and the fresh snapshot clears it. Pure, so ordering rules are unit-tested without a socket.
 */
export interface LiveExecutionState {
  execution: ExecutionDetail | null;
  lastSeq: number;
  resyncNeeded: boolean;
  /** Per step index: when a retry announced its next attempt (only if the server sends it). */
  nextAttemptAt: Record<number, string>;
}

export type LiveExecutionAction =
  | { type: 'snapshot'; snapshot: ExecutionDetail }
  /** Updates collected during one animation frame, in arrival order (maybe not in seq order). */
  | { type: 'updates'; updates: ExecutionUpdate[] };

export const INITIAL_LIVE_STATE: LiveExecutionState = { execution: null, lastSeq: -1, resyncNeeded: false, nextAttemptAt: {} };

export function liveExecutionReducer(state: LiveExecutionState, action: LiveExecutionAction): LiveExecutionState {
  if (action.type === 'snapshot') {
    return { execution: action.snapshot, lastSeq: action.snapshot.seq, resyncNeeded: false, nextAttemptAt: {} };
  }
  if (!state.execution || state.resyncNeeded) return state; // nothing to apply to until the next snapshot
  const ordered = [...action.updates].sort((a, b) => a.seq - b.seq);
  let execution = state.execution;
  let lastSeq = state.lastSeq;
  let steps: ExecutionStepDetail[] | null = null; // copied once per batch, on the first step change
  let nextAttemptAt = state.nextAttemptAt;
  for (const update of ordered) {
    const verdict = judgeUpdate(lastSeq, update.seq);
    if (verdict === 'duplicate') continue;
    if (verdict === 'gap') {
      return { ...state, execution: steps ? { ...execution, steps } : execution, lastSeq, resyncNeeded: true, nextAttemptAt };
    }
    lastSeq = update.seq;
    execution = applyExecutionFields(execution, update);
    const change = update.stepUpdate;
    if (!change) continue;
    steps ??= [...execution.steps];
    const index = steps.findIndex((s) => s.stepIndex === change.stepIndex);
    if (index < 0) continue;
    steps[index] = applyStepUpdate(steps[index], update);
    if (change.nextAttemptAt) nextAttemptAt = { ...nextAttemptAt, [change.stepIndex]: change.nextAttemptAt };
    else if (nextAttemptAt[change.stepIndex]) {
      nextAttemptAt = { ...nextAttemptAt };
      delete nextAttemptAt[change.stepIndex];
    }
  }
  if (lastSeq === state.lastSeq) return state; // only duplicates: keep the same object (no re-render)
  return { execution: { ...execution, steps: steps ?? execution.steps, seq: lastSeq }, lastSeq, resyncNeeded: false, nextAttemptAt };
}

function applyExecutionFields(execution: ExecutionDetail, update: ExecutionUpdate): ExecutionDetail {
  const next: ExecutionDetail = { ...execution, status: update.executionStatus };
  if (update.updateType === 'EXECUTION_STARTED' && !next.startedAt) next.startedAt = update.at;
  if (update.updateType === 'EXECUTION_FINISHED') {
    next.finishedAt ??= update.at;
    if (update.outputs) next.outputs = update.outputs;
    if (update.executionStatus === 'FAILED' && update.message) next.error ??= update.message;
  }
  if (update.parentExecutionId) next.parentExecutionId = update.parentExecutionId;
  return next;
}

function applyStepUpdate(step: ExecutionStepDetail, update: ExecutionUpdate): ExecutionStepDetail {
  const change = update.stepUpdate!;
  const next: ExecutionStepDetail = { ...step, status: change.status };
  if (update.updateType === 'STEP_STARTED') {
    next.startedAt = step.startedAt ?? update.at;
    next.finishedAt = null;
  }
  if (update.updateType === 'STEP_FINISHED') {
    next.finishedAt = update.at;
    if (!next.startedAt && change.durationMs != null) next.startedAt = new Date(Date.parse(update.at) - change.durationMs).toISOString();
  }
  if (change.attempts !== undefined) next.attempts = change.attempts;
  if (change.durationMs !== undefined) next.durationMs = change.durationMs;
  if (change.error !== undefined) next.error = change.error;
  if (change.response !== undefined) next.response = change.response;
  if (change.childExecutionId) next.childExecutionId = change.childExecutionId;
  return next;
}
