import { queryOptions } from '@tanstack/react-query';
import type { ApiClient } from './api-client';
import type { Page } from './page';

/** A resource as the API shows it: secret fields are never sent back (the config holds only non-secrets). */
export interface Resource {
  id: string;
  teamId: string;
  name: string;
  type: string;
  description: string | null;
  labels: Record<string, string>;
  group: string | null;
  namespace: string | null;
  createdAt: string;
  updatedAt: string;
}

export function resourceKeys(teamId: string) {
  return ['teams', teamId, 'resources'] as const;
}

export function resourcesQuery(api: ApiClient, teamId: string, params: { type?: string; page?: number; pageSize?: number }) {
  return queryOptions({
    queryKey: [...resourceKeys(teamId), 'list', params],
    queryFn: ({ signal }) => api.get<Page<Resource>>(`/teams/${teamId}/resources`, { ...params }, signal),
  });
}
