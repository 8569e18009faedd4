import { queryOptions } from '@tanstack/react-query';
import type { ApiClient } from './api-client';
import type { Page } from './page';

/** A value for a flow variable; any JSON value (the flow converts it to the type it declares). */
export interface SuiteVariable {
  name: string;
  value: unknown;
}

/** One flow of a suite; `version: null` runs the latest version at run time. */
export interface SuiteEntry {
  flowId: string;
  version: number | null;
  variables: SuiteVariable[];
}

export interface SuiteSchedule {
  cron: string;
  timezone?: string;
  enabled?: boolean;
  /** Next firing from the scheduler; null when disabled. */
  nextRunAt: string | null;
}

export interface Suite {
  id: string;
  teamId: string;
  name: string;
  description: string;
  entries: SuiteEntry[];
  variables: SuiteVariable[];
  mode: string;
  failFast: boolean;
  maxParallel: number;
  enabled: boolean;
  tags: string[];
  schedule: SuiteSchedule | null;
  createdAt: string;
  updatedAt: string;
}

export function suiteKeys(teamId: string) {
  return ['teams', teamId, 'suites'] as const;
}

export function suitesQuery(api: ApiClient, teamId: string, params: { q?: string; page?: number; pageSize?: number }) {
  return queryOptions({
    queryKey: [...suiteKeys(teamId), 'list', params],
    queryFn: ({ signal }) => api.get<Page<Suite>>(`/teams/${teamId}/suites`, { ...params }, signal),
  });
}

export function suiteQuery(api: ApiClient, teamId: string, suiteId: string) {
  return queryOptions({
    queryKey: [...suiteKeys(teamId), 'detail', suiteId],
    queryFn: ({ signal }) => api.get<Suite>(`/teams/${teamId}/suites/${suiteId}`, undefined, signal),
  });
}

export interface SuiteInput {
  name: string;
  description?: string;
  entries: SuiteEntry[];
  variables: SuiteVariable[];
  mode?: string;
}

export function createSuite(api: ApiClient, teamId: string, input: SuiteInput) {
  return api.post<Suite>(`/teams/${teamId}/suites`, input);
}

export function updateSuite(api: ApiClient, teamId: string, suiteId: string, input: Partial<SuiteInput>) {
  return api.patch<Suite>(`/teams/${teamId}/suites/${suiteId}`, input);
}

export function runSuite(api: ApiClient, teamId: string, suiteId: string, variables: SuiteVariable[]) {
  return api.post<SuiteRun>(`/teams/${teamId}/suites/${suiteId}/run`, { variables });
}

export function putSchedule(api: ApiClient, teamId: string, suiteId: string, schedule: { cron: string; timezone: string; enabled: boolean }) {
  return api.put<SuiteSchedule>(`/teams/${teamId}/suites/${suiteId}/schedule`, schedule);
}

export function deleteSchedule(api: ApiClient, teamId: string, suiteId: string) {
  return api.delete(`/teams/${teamId}/suites/${suiteId}/schedule`);
}

export interface SuiteRunCounts {
  total: number;
  passed: number;
  failed: number;
  cancelled: number;
  pending: number;
  running: number;
}

export interface SuiteRunItem {
  position: number;
  executionId: string;
  flowId: string;
  flowName: string;
  flowVersion: number;
  status: string;
  error: string | null;
  durationMs: number | null;
}

/** A suite run as GET …/suite-runs/{id} and the stream's snapshot show it (`seq`: last update included). */
export interface SuiteRun {
  id: string;
  suiteId: string;
  suiteName: string;
  status: string;
  outcome: string;
  counts: SuiteRunCounts;
  stopReason: string | null;
  seq: number;
  items: SuiteRunItem[];
}

/** An `update` of the /suite-runs stream. EXECUTION_STARTED is relayed from the execution stream and has no `seq`. */
export interface SuiteRunUpdate {
  seq?: number;
  updateType: 'EXECUTION_QUEUED' | 'EXECUTION_STARTED' | 'EXECUTION_FINISHED' | 'RUN_STOPPING' | 'RUN_FINISHED';
  status?: string;
  counts?: SuiteRunCounts;
  execution?: { executionId: string; position: number; flowName: string; status: string; error?: string | null };
  message?: string;
}

export function suiteRunQuery(api: ApiClient, teamId: string, suiteRunId: string) {
  return queryOptions({
    queryKey: [...suiteKeys(teamId), 'runs', suiteRunId],
    queryFn: ({ signal }) => api.get<SuiteRun>(`/teams/${teamId}/suite-runs/${suiteRunId}`, undefined, signal),
  });
}

/**
 * Fetches a suite-run report with the Authorization header (never a token in a URL) and hands it to
 * the browser as a file download.
 */
export async function downloadSuiteReport(api: ApiClient, teamId: string, suiteRunId: string, format: 'xml' | 'json') {
  const body = await api.get<unknown>(`/teams/${teamId}/suite-runs/${suiteRunId}/report.${format}`);
  const text = typeof body === 'string' ? body : JSON.stringify(body, null, 2);
  const blob = new Blob([text], { type: format === 'xml' ? 'application/xml' : 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `suite-run-${suiteRunId}.${format}`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export interface Webhook {
  id: string;
  name: string;
  url: string;
  notifyOn: 'always' | 'on-failure' | 'on-change';
  format: 'json' | 'slack';
  enabled: boolean;
  secretSet: boolean;
}

export interface WebhookDelivery {
  id: string;
  deliveryId: string;
  attempt: number;
  outcome: 'delivered' | 'failed';
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
  createdAt: string;
}

export function webhooksQuery(api: ApiClient, teamId: string, suiteId: string) {
  return queryOptions({
    queryKey: [...suiteKeys(teamId), 'detail', suiteId, 'webhooks'],
    queryFn: ({ signal }) => api.get<Webhook[]>(`/teams/${teamId}/suites/${suiteId}/webhooks`, undefined, signal),
  });
}

export function webhookDeliveriesQuery(api: ApiClient, teamId: string, suiteId: string, webhookId: string) {
  return queryOptions({
    queryKey: [...suiteKeys(teamId), 'detail', suiteId, 'webhooks', webhookId, 'deliveries'],
    queryFn: ({ signal }) =>
      api.get<Page<WebhookDelivery>>(`/teams/${teamId}/suites/${suiteId}/webhooks/${webhookId}/deliveries`, { pageSize: 20 }, signal),
  });
}

export function createWebhook(
  api: ApiClient,
  teamId: string,
  suiteId: string,
  input: { name: string; url: string; secret: string; notifyOn: Webhook['notifyOn']; format: Webhook['format'] },
) {
  return api.post<Webhook>(`/teams/${teamId}/suites/${suiteId}/webhooks`, input);
}

export function deleteWebhook(api: ApiClient, teamId: string, suiteId: string, webhookId: string) {
  return api.delete(`/teams/${teamId}/suites/${suiteId}/webhooks/${webhookId}`);
}
