import type { SuiteRun, SuiteRunUpdate } from '../../api/suites';

/**
 * The suite-run view state: the snapshot replaced wholesale, then each update (already in `seq` order,
 * see useLiveStream) applied: counts and status from the run, an item's status from `execution`.
 */
export function applySuiteRunUpdate(run: SuiteRun, update: SuiteRunUpdate): SuiteRun {
  const next: SuiteRun = { ...run };
  if (update.seq !== undefined) next.seq = update.seq;
  if (update.status) next.status = update.status;
  if (update.counts) next.counts = update.counts;
  if (update.updateType === 'RUN_STOPPING' && update.message) next.stopReason = update.message;
  const execution = update.execution;
  if (execution) {
    const known = run.items.some((item) => item.executionId === execution.executionId);
    next.items = known
      ? run.items.map((item) => (item.executionId === execution.executionId ? { ...item, status: execution.status, error: execution.error ?? item.error } : item))
      : [...run.items, { position: execution.position, executionId: execution.executionId, flowId: '', flowName: execution.flowName, flowVersion: 0, status: execution.status, error: execution.error ?? null, durationMs: null }].sort(
          (a, b) => a.position - b.position,
        );
  }
  return next;
}
