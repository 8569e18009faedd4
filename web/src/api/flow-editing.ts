import { queryOptions } from '@tanstack/react-query';
import type { FlowDocument, StepDocument, VariableDeclaration } from '../screens/flow-editor/flow-document';
import type { ApiClient } from './api-client';
import type { ExecutionSummary } from './executions';
import { flowKeys, type FlowSummary } from './flows';
import type { Page } from './page';

/** One flow with its latest version's content (GET /flows/:id). */
export interface Flow extends FlowSummary {
  variables: VariableDeclaration[];
  steps: Array<StepDocument & { id: string }>;
  outputs: Record<string, string>;
}

export interface FlowVersionSummary {
  version: number;
  restoredFrom: number | null;
  stepCount: number;
  variableCount: number;
  createdBy: string | null;
  createdAt: string;
}

export interface FlowDiff {
  flowId: string;
  from: number;
  to: number;
  steps: {
    added: Array<{ id: string; name: string; index: number }>;
    removed: Array<{ id: string; name: string; index: number }>;
    changed: Array<{ id: string; name: string; previousName?: string; fields: string[] }>;
    moved: Array<{ id: string; name: string; fromIndex: number; toIndex: number }>;
  };
  variables: { added: string[]; removed: string[]; changed: Array<{ name: string; fields: string[] }> };
  identical: boolean;
}

export interface ImportResult {
  imported: Array<{ id: string; name: string; version: number }>;
  skipped: Array<{ name: string; reason: string }>;
}

export function flowQuery(api: ApiClient, teamId: string, flowId: string) {
  return queryOptions({
    queryKey: [...flowKeys(teamId), 'one', flowId],
    queryFn: ({ signal }) => api.get<Flow>(`/teams/${teamId}/flows/${flowId}`, undefined, signal),
  });
}

export function flowVersionsQuery(api: ApiClient, teamId: string, flowId: string) {
  return queryOptions({
    queryKey: [...flowKeys(teamId), 'one', flowId, 'versions'],
    queryFn: ({ signal }) => api.get<Page<FlowVersionSummary>>(`/teams/${teamId}/flows/${flowId}/versions`, { pageSize: 100 }, signal),
  });
}

export function flowDiffQuery(api: ApiClient, teamId: string, flowId: string, from: number, to: number) {
  return queryOptions({
    queryKey: [...flowKeys(teamId), 'one', flowId, 'diff', from, to],
    queryFn: ({ signal }) => api.get<FlowDiff>(`/teams/${teamId}/flows/${flowId}/diff`, { from, to }, signal),
  });
}

export function flowVersionQuery(api: ApiClient, teamId: string, flowId: string, version: number) {
  return queryOptions({
    queryKey: [...flowKeys(teamId), 'one', flowId, 'version', version],
    queryFn: ({ signal }) => api.get<FlowDocument & { version: number }>(`/teams/${teamId}/flows/${flowId}/versions/${version}`, undefined, signal),
  });
}

/** Dry-run validation: resolves with no problems, or rejects with an ApiError carrying details.problems. */
export function validateFlow(api: ApiClient, teamId: string, doc: FlowDocument) {
  return api.post<{ valid: boolean }>(`/teams/${teamId}/flows/validate`, doc);
}

export function createFlow(api: ApiClient, teamId: string, doc: FlowDocument) {
  return api.post<Flow>(`/teams/${teamId}/flows`, doc);
}

/** PATCH with `baseVersion`: someone else's newer version answers 409 instead of being overwritten. */
export function updateFlow(api: ApiClient, teamId: string, flowId: string, doc: FlowDocument, baseVersion: number) {
  return api.patch<Flow>(`/teams/${teamId}/flows/${flowId}`, { ...doc, baseVersion });
}

export function restoreFlowVersion(api: ApiClient, teamId: string, flowId: string, version: number) {
  return api.post<Flow>(`/teams/${teamId}/flows/${flowId}/versions/${version}/restore`);
}

export function exportFlow(api: ApiClient, teamId: string, flowId: string, format: 'json' | 'yaml') {
  return api.get<unknown>(`/teams/${teamId}/flows/${flowId}/export`, { format });
}

export function importFlows(api: ApiClient, teamId: string, document: unknown, onConflict: 'fail' | 'skip') {
  return api.post<ImportResult>(`/teams/${teamId}/flows/import`, document, { onConflict });
}

export interface RunRequest {
  flowId: string;
  variables?: Array<{ name: string; value: unknown }>;
  parameters?: { initialDelay?: number };
}

export function runFlow(api: ApiClient, teamId: string, request: RunRequest) {
  return api.post<ExecutionSummary>(`/teams/${teamId}/flows/run`, request);
}

/** Runs of one flow version in one request, a row of variables each (POST /flows/run-batch). */
export function runFlowBatch(api: ApiClient, teamId: string, request: { flowId: string; runs: Array<Omit<RunRequest, 'flowId'>> }) {
  return api.post<ExecutionSummary[]>(`/teams/${teamId}/flows/run-batch`, request);
}
