import { describe, expect, it } from 'vitest';
import type { SuiteRun } from '../../api/suites';
import { applySuiteRunUpdate } from './suite-run-state';

const counts = (c: Partial<SuiteRun['counts']>) => ({ total: 2, passed: 0, failed: 0, cancelled: 0, pending: 2, running: 0, ...c });
const RUN: SuiteRun = {
  id: 'r1', suiteId: 's1', suiteName: 'Checkout', status: 'RUNNING', outcome: 'running', counts: counts({}), stopReason: null, seq: 1,
  items: [{ position: 0, executionId: 'e1', flowId: 'f1', flowName: 'Create order', flowVersion: 1, status: 'PENDING', error: null, durationMs: null }],
};

describe('applySuiteRunUpdate', () => {
  it('takes counts, status and the item status from an update', () => {
    const next = applySuiteRunUpdate(RUN, {
      seq: 2, updateType: 'EXECUTION_FINISHED', status: 'RUNNING', counts: counts({ passed: 1, pending: 1 }),
      execution: { executionId: 'e1', position: 0, flowName: 'Create order', status: 'COMPLETED' },
    });
    expect(next.seq).toBe(2);
    expect(next.counts.passed).toBe(1);
    expect(next.items[0].status).toBe('COMPLETED');
    expect(RUN.items[0].status).toBe('PENDING');
  });

  it('adds an execution it did not know, in position order, and keeps seq for relayed starts', () => {
    const next = applySuiteRunUpdate(RUN, { updateType: 'EXECUTION_STARTED', execution: { executionId: 'e0', position: 1, flowName: 'Refund', status: 'IN_PROGRESS' } });
    expect(next.seq).toBe(1);
    expect(next.items.map((i) => i.executionId)).toEqual(['e1', 'e0']);
  });
});
