import { queryOptions } from '@tanstack/react-query';
import type { ApiClient } from './api-client';

export type TeamRole = 'viewer' | 'editor' | 'admin' | 'owner';

export interface Me {
  id: string;
  email: string;
  displayName: string;
  organisations: { id: string; name: string; role: 'owner' | 'admin' | 'member' }[];
  teams: { id: string; name: string; orgId: string; role: TeamRole }[];
}

/** GET /teams: every team the user can act on, with the effective role (org owners/admins included). */
export interface Team {
  id: string;
  orgId: string;
  name: string;
  role: TeamRole;
  createdAt: string;
  executionRetentionDays: number | null;
}

export interface Member {
  userId: string;
  email: string;
  displayName: string;
  role: TeamRole;
  createdAt: string;
}

export function meQuery(api: ApiClient) {
  return queryOptions({ queryKey: ['me'], queryFn: ({ signal }) => api.get<Me>('/auth/me', undefined, signal), staleTime: 60_000 });
}

export function myTeamsQuery(api: ApiClient) {
  return queryOptions({ queryKey: ['teams'], queryFn: ({ signal }) => api.get<Team[]>('/teams', undefined, signal), staleTime: 60_000 });
}

export function membersQuery(api: ApiClient, teamId: string) {
  return queryOptions({
    queryKey: ['teams', teamId, 'members'],
    queryFn: ({ signal }) => api.get<Member[]>(`/teams/${teamId}/members`, undefined, signal),
  });
}

export function createOrg(api: ApiClient, name: string) {
  return api.post<{ id: string; name: string }>('/orgs', { name });
}

export function createTeam(api: ApiClient, orgId: string, name: string) {
  return api.post<Team>(`/orgs/${orgId}/teams`, { name });
}
