export const SUITE_RUN_STATUSES = ['IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;
export type SuiteRunStatus = (typeof SUITE_RUN_STATUSES)[number];

/** `alert`: started by an inbound alert trigger's hook (alertDeliveryId names the delivery). */
export const SUITE_RUN_TRIGGERS = ['api', 'schedule', 'alert'] as const;
export type SuiteRunTrigger = (typeof SUITE_RUN_TRIGGERS)[number];

/** One word for CI scripts: `passed` only when every execution completed. */
export type SuiteRunOutcome = 'passed' | 'failed' | 'cancelled' | 'running';

export function outcomeOf(status: SuiteRunStatus): SuiteRunOutcome {
  switch (status) {
    case 'COMPLETED':
      return 'passed';
    case 'FAILED':
      return 'failed';
    case 'CANCELLED':
      return 'cancelled';
    case 'IN_PROGRESS':
      return 'running';
  }
}

/**
 * The final status from the counts: a run the user cancelled is CANCELLED; otherwise any failed
 * execution makes it FAILED, any cancelled one (fail-fast, or cancelled one by one) CANCELLED.
 */
export function finalStatus(counts: { failed: number; cancelled: number }, cancelRequested: boolean): SuiteRunStatus {
  if (cancelRequested) return 'CANCELLED';
  if (counts.failed > 0) return 'FAILED';
  if (counts.cancelled > 0) return 'CANCELLED';
  return 'COMPLETED';
}
