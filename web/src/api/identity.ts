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

export interface ApiKey {
  id: string;
  name: string;
  role: 'viewer' | 'editor' | 'admin';
  /** Identifies the key; the secret part is never shown again after creation. */
  preview: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** The answer to creating a key: the only time the full `key` is sent. */
export interface CreatedApiKey extends ApiKey {
  key: string;
}

export function apiKeysQuery(api: ApiClient, teamId: string) {
  return queryOptions({
    queryKey: ['teams', teamId, 'api-keys'],
    queryFn: ({ signal }) => api.get<ApiKey[]>(`/teams/${teamId}/api-keys`, undefined, signal),
  });
}

export function createApiKey(api: ApiClient, teamId: string, input: { name: string; role: ApiKey['role'] }) {
  return api.post<CreatedApiKey>(`/teams/${teamId}/api-keys`, input);
}

export function revokeApiKey(api: ApiClient, teamId: string, keyId: string) {
  return api.delete(`/teams/${teamId}/api-keys/${keyId}`);
}

export function addMember(api: ApiClient, teamId: string, input: { email: string; role: TeamRole }) {
  return api.post<Member>(`/teams/${teamId}/members`, input);
}

export function changeMemberRole(api: ApiClient, teamId: string, userId: string, role: TeamRole) {
  return api.patch<Member>(`/teams/${teamId}/members/${userId}`, { role });
}

export function removeMember(api: ApiClient, teamId: string, userId: string) {
  return api.delete(`/teams/${teamId}/members/${userId}`);
}
