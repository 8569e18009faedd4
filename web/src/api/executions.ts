import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import type { ApiClient } from './api-client';
import type { Page } from './page';

export const EXECUTION_STATUSES = ['PENDING', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];
export const EXECUTION_TRIGGERS = ['api', 'suite', 'schedule', 'flow'] as const;

export interface ExecutionStepSummary {
  stepIndex: number;
  stepId: string;
  name: string;
  type: string;
  background: boolean;
  status: string;
  attempts: number;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  childExecutionId: string | null;
}

export interface ExecutionSummary {
  id: string;
  teamId: string;
  flowId: string;
  flowVersion: number;
  flowName: string;
  status: ExecutionStatus;
  trigger: string;
  suiteRunId: string | null;
  error: string | null;
  seq: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  steps: ExecutionStepSummary[];
}

export interface ExecutionListParams {
  flowId?: string;
  status?: string;
  trigger?: string;
  from?: string;
  to?: string;
  page?: number;
  pageSize?: number;
}

export function executionKeys(teamId: string) {
  return ['teams', teamId, 'executions'] as const;
}

export function executionsQuery(api: ApiClient, teamId: string, params: ExecutionListParams) {
  return queryOptions({
    queryKey: [...executionKeys(teamId), 'list', params],
    queryFn: ({ signal }) => api.get<Page<ExecutionSummary>>(`/teams/${teamId}/executions`, { ...params }, signal),
    placeholderData: keepPreviousData,
  });
}

/** One assertion of one step attempt as stored (src/flow-language/assertions/assertion.ts). */
export interface AssertionResult {
  path: string;
  operator: string;
  expected: unknown;
  actual: unknown;
  passed: boolean;
  message: string;
  actualTruncated?: boolean;
  actualBytes?: number;
}

/** A step as stored: request/response capped by the server (a cut value has `truncated`, `originalBytes`). */
export interface ExecutionStepDetail extends ExecutionStepSummary {
  request?: unknown;
  response?: unknown;
  assertions?: AssertionResult[];
  /** Lines the step's plugin logged (e.g. the query it sent); null when it logged nothing. */
  logs?: string[] | null;
}

/** An execution as GET /executions/{id} and the live snapshot carry it. */
export interface ExecutionDetail extends Omit<ExecutionSummary, 'steps'> {
  steps: ExecutionStepDetail[];
  variables?: Record<string, unknown>;
  parameters?: { initialDelay?: number; timeoutMs?: number };
  correlationId?: string;
  traceId?: string;
  links?: { trace?: string };
  outputs?: Record<string, unknown> | null;
  parentExecutionId?: string | null;
  parentStepIndex?: number | null;
  cancelRequestedAt?: string | null;
}

/** One live update (src/executions/execution-update.ts); optional fields the server may add are read if present. */
export interface ExecutionUpdate {
  executionId: string;
  teamId: string;
  seq: number;
  updateType: 'EXECUTION_STARTED' | 'STEP_STARTED' | 'STEP_FINISHED' | 'EXECUTION_FINISHED';
  executionStatus: ExecutionStatus;
  stepUpdate?: {
    stepIndex: number;
    stepId: string;
    name: string;
    status: string;
    response?: unknown;
    error?: string | null;
    attempts?: number;
    durationMs?: number | null;
    childExecutionId?: string;
    /** When the server announces a retry: the time the next attempt starts (not sent today). */
    nextAttemptAt?: string;
  };
  parentExecutionId?: string;
  outputs?: Record<string, unknown>;
  message?: string;
  at: string;
}

export function executionStepQuery(api: ApiClient, teamId: string, executionId: string, stepId: string) {
  return queryOptions({
    queryKey: [...executionKeys(teamId), 'detail', executionId, 'step', stepId],
    queryFn: ({ signal }) => api.get<ExecutionStepDetail>(`/teams/${teamId}/executions/${executionId}/steps/${encodeURIComponent(stepId)}`, undefined, signal),
  });
}

export function cancelExecution(api: ApiClient, teamId: string, executionId: string) {
  return api.post<ExecutionDetail>(`/teams/${teamId}/executions/${executionId}/cancel`);
}

/** Runs the same flow version with the same variables (the resolved values the execution stored). */
export function rerunExecution(api: ApiClient, teamId: string, execution: ExecutionDetail) {
  const variables = Object.entries(execution.variables ?? {}).map(([name, value]) => ({ name, value }));
  return api.post<ExecutionDetail>(`/teams/${teamId}/flows/run`, {
    flowId: execution.flowId,
    version: execution.flowVersion,
    ...(variables.length ? { variables } : {}),
  });
}

export type ReportFormat = 'xml' | 'json';

/** Path of an execution's JUnit (`xml`) or JSON report, fetched with the auth header (never a token in a URL). */
export function executionReportPath(teamId: string, executionId: string, format: ReportFormat): string {
  return `/teams/${teamId}/executions/${executionId}/report.${format}`;
}
