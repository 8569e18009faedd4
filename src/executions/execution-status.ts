export const EXECUTION_STATUSES = ['PENDING', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];
export const TERMINAL_EXECUTION_STATUSES: readonly ExecutionStatus[] = ['COMPLETED', 'FAILED', 'CANCELLED'];

export const STEP_STATUSES = ['PENDING', 'IN_PROGRESS', 'SUCCESS', 'ERROR', 'SKIPPED', 'CANCELLED'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

/**
 * `flow`: a child execution started by a `flow` step of another execution (parentExecutionId).
 * `alert`: started by an inbound alert trigger's hook (parameters.alertDeliveryId names the delivery).
 */
export const EXECUTION_TRIGGERS = ['api', 'suite', 'schedule', 'flow', 'alert'] as const;
export type ExecutionTrigger = (typeof EXECUTION_TRIGGERS)[number];

export function isTerminal(status: ExecutionStatus): boolean {
  return TERMINAL_EXECUTION_STATUSES.includes(status);
}
