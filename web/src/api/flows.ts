import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import type { ApiClient } from './api-client';
import type { Page } from './page';

export interface FlowSummary {
  id: string;
  name: string;
  description: string;
  tags: string[];
  version: number;
  stepTypes: string[];
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface FlowListParams {
  q?: string;
  tag?: string;
  page?: number;
  pageSize?: number;
  sort?: 'name' | 'updatedAt' | 'createdAt';
  order?: 'asc' | 'desc';
}

/** Query keys of one team's flows start with this, so a save can invalidate every flow list at once. */
export function flowKeys(teamId: string) {
  return ['teams', teamId, 'flows'] as const;
}

export function flowsQuery(api: ApiClient, teamId: string, params: FlowListParams) {
  return queryOptions({
    queryKey: [...flowKeys(teamId), 'list', params],
    queryFn: ({ signal }) => api.get<Page<FlowSummary>>(`/teams/${teamId}/flows`, { ...params }, signal),
    placeholderData: keepPreviousData,
  });
}
