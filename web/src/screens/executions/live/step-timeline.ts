import type { ExecutionStepSummary } from '../../../api/executions';

/** Where a step's bar sits on the waterfall, as fractions (0..1) of the execution's span so far. */
export interface StepBar {
  left: number;
  width: number;
}

/**
 * The waterfall's time span: from the execution start (or the first step start) to its end, or to
 * `now` while it runs, so running bars grow. Never zero-length.
 */
export function timelineSpan(execution: { startedAt: string | null; finishedAt: string | null; createdAt: string }, now: number): { start: number; end: number } {
  const start = Date.parse(execution.startedAt ?? execution.createdAt);
  const end = execution.finishedAt ? Date.parse(execution.finishedAt) : Math.max(now, start);
  return { start, end: Math.max(end, start + 1) };
}

export function stepBar(step: Pick<ExecutionStepSummary, 'startedAt' | 'finishedAt' | 'durationMs'>, span: { start: number; end: number }, now: number): StepBar | null {
  if (!step.startedAt) return null;
  const total = span.end - span.start;
  const from = Math.min(Math.max(Date.parse(step.startedAt), span.start), span.end);
  const to = step.finishedAt ? Date.parse(step.finishedAt) : step.durationMs != null ? from + step.durationMs : Math.min(now, span.end);
  const left = (from - span.start) / total;
  // At least a sliver, so an instant step is still visible.
  return { left, width: Math.max(Math.min((to - from) / total, 1 - left), 0.004) };
}

export function formatMs(ms: number | null | undefined): string {
  if (ms == null) return '—';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** The timing text of a row: duration when done; while running, the attempt and time so far, or a retry countdown. */
export function stepTiming(step: Pick<ExecutionStepSummary, 'status' | 'startedAt' | 'durationMs' | 'attempts'>, now: number, nextAttemptAt?: string): string {
  if (nextAttemptAt) {
    const seconds = Math.max(0, Math.ceil((Date.parse(nextAttemptAt) - now) / 1000));
    return `retry ${step.attempts + 1} in ${seconds} s`;
  }
  if (step.status === 'IN_PROGRESS' && step.startedAt) {
    return `attempt ${Math.max(step.attempts, 1)} · ${formatMs(now - Date.parse(step.startedAt))}`;
  }
  return formatMs(step.durationMs);
}
