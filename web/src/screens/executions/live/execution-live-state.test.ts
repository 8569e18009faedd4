import { describe, expect, it } from 'vitest';
import type { ExecutionDetail, ExecutionUpdate } from '../../../api/executions';
import { INITIAL_LIVE_STATE, liveExecutionReducer, type LiveExecutionState } from './execution-live-state';

const T0 = '2026-11-27T16:00:00.000Z';

function snapshot(seq: number): ExecutionDetail {
  const step = (stepIndex: number, name: string) => ({
    stepIndex, stepId: `s${stepIndex}`, name, type: 'http', background: false, status: 'PENDING', attempts: 0, error: null,
    startedAt: null, finishedAt: null, durationMs: null, childExecutionId: null,
  });
  return {
    id: 'e1', teamId: 't1', flowId: 'f1', flowVersion: 2, flowName: 'checkout', status: 'IN_PROGRESS', trigger: 'api', suiteRunId: null,
    error: null, seq, createdAt: T0, startedAt: T0, finishedAt: null, steps: [step(0, 'create'), step(1, 'poll')],
  };
}

function update(seq: number, patch: Partial<ExecutionUpdate> = {}): ExecutionUpdate {
  return { executionId: 'e1', teamId: 't1', seq, updateType: 'STEP_STARTED', executionStatus: 'IN_PROGRESS', at: `2026-11-27T16:00:0${seq}.000Z`, ...patch };
}

const started = (seq: number, stepIndex: number) =>
  update(seq, { updateType: 'STEP_STARTED', stepUpdate: { stepIndex, stepId: `s${stepIndex}`, name: 'x', status: 'IN_PROGRESS' } });
const finished = (seq: number, stepIndex: number, status = 'SUCCESS') =>
  update(seq, { updateType: 'STEP_FINISHED', stepUpdate: { stepIndex, stepId: `s${stepIndex}`, name: 'x', status, attempts: 1, durationMs: 900, response: { status: 200, body: { id: 'o-1' } } } });

function live(seq = 3): LiveExecutionState {
  return liveExecutionReducer(INITIAL_LIVE_STATE, { type: 'snapshot', snapshot: snapshot(seq) });
}

describe('liveExecutionReducer', () => {
  it('renders from the snapshot, then applies the next updates', () => {
    const state = liveExecutionReducer(live(), { type: 'updates', updates: [started(4, 0), finished(5, 0)] });
    expect(state.lastSeq).toBe(5);
    expect(state.execution!.seq).toBe(5);
    expect(state.execution!.steps[0]).toMatchObject({ status: 'SUCCESS', attempts: 1, durationMs: 900, startedAt: '2026-11-27T16:00:04.000Z', finishedAt: '2026-11-27T16:00:05.000Z', response: { body: { id: 'o-1' } } });
    expect(state.execution!.steps[1].status).toBe('PENDING');
    expect(state.resyncNeeded).toBe(false);
  });

  it('puts updates of one frame that arrived out of order back in seq order', () => {
    const state = liveExecutionReducer(live(), { type: 'updates', updates: [finished(5, 0), started(6, 1), started(4, 0)] });
    expect(state.lastSeq).toBe(6);
    expect(state.execution!.steps.map((s) => s.status)).toEqual(['SUCCESS', 'IN_PROGRESS']);
  });

  it('drops duplicates and updates older than the snapshot without changing state', () => {
    const before = live(5);
    expect(liveExecutionReducer(before, { type: 'updates', updates: [started(4, 0), finished(5, 0)] })).toBe(before);
    const after = liveExecutionReducer(before, { type: 'updates', updates: [started(6, 1), started(6, 1)] });
    expect(after.lastSeq).toBe(6);
    expect(liveExecutionReducer(after, { type: 'updates', updates: [started(6, 1)] })).toBe(after);
  });

  it('on a gap applies what came before it, asks for a re-join and ignores updates until the fresh snapshot', () => {
    const gapped = liveExecutionReducer(live(), { type: 'updates', updates: [started(4, 0), finished(7, 0)] });
    expect(gapped.resyncNeeded).toBe(true);
    expect(gapped.lastSeq).toBe(4);
    expect(gapped.execution!.steps[0].status).toBe('IN_PROGRESS');
    expect(liveExecutionReducer(gapped, { type: 'updates', updates: [update(5)] })).toBe(gapped);

    const fresh = { ...snapshot(7), steps: snapshot(7).steps.map((s, i) => (i === 0 ? { ...s, status: 'SUCCESS' } : s)) };
    const resynced = liveExecutionReducer(gapped, { type: 'snapshot', snapshot: fresh });
    expect(resynced).toMatchObject({ lastSeq: 7, resyncNeeded: false });
    expect(liveExecutionReducer(resynced, { type: 'updates', updates: [started(8, 1)] }).execution!.steps[1].status).toBe('IN_PROGRESS');
  });

  it('finishes the execution with its outputs, and keeps a child execution link', () => {
    const withChild = liveExecutionReducer(live(), {
      type: 'updates',
      updates: [
        update(4, { stepUpdate: { stepIndex: 1, stepId: 's1', name: 'sub', status: 'IN_PROGRESS', childExecutionId: 'child-1' } }),
        update(5, { updateType: 'EXECUTION_FINISHED', executionStatus: 'COMPLETED', outputs: { orderId: 'o-1' } }),
      ],
    });
    expect(withChild.execution).toMatchObject({ status: 'COMPLETED', outputs: { orderId: 'o-1' }, finishedAt: '2026-11-27T16:00:05.000Z' });
    expect(withChild.execution!.steps[1].childExecutionId).toBe('child-1');
  });

  it('ignores updates before the first snapshot', () => {
    expect(liveExecutionReducer(INITIAL_LIVE_STATE, { type: 'updates', updates: [started(1, 0)] })).toBe(INITIAL_LIVE_STATE);
  });
});
