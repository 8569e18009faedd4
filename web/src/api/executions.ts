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
