import { queryOptions } from '@tanstack/react-query';
import type { ApiClient } from './api-client';
import type { Page } from './page';

export interface Suite {
  id: string;
  teamId: string;
  name: string;
  description: string;
  entries: { flowId: string; version: number | null; variables: { name: string; value?: unknown }[] }[];
  mode: string;
  failFast: boolean;
  maxParallel: number;
  enabled: boolean;
  tags: string[];
  schedule: { nextRunAt: string | null } | null;
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
