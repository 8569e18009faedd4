import type { TeamRole } from '../../src/identity/tenancy/roles';

/** Objects that exist in every team of the isolation world, by kind (ids filled in by the world builder). */
export interface TeamObjects {
  teamId: string;
  apiKeyId: string;
  memberUserId: string;
  [kind: string]: string;
}

export interface EndpointCase {
  name: string;
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  path: (o: TeamObjects) => string;
  body?: (o: TeamObjects) => object;
  /** Least team role that may call it. */
  role: TeamRole;
  /** True when calling it successfully changes nothing, so the matrix may also check the allowed case. */
  safe: boolean;
}

/**
 * Every team-scoped endpoint, one line each. Later modules append their endpoints here; the matrix in
 * test/identity/isolation-matrix.e2e-spec.ts then proves that no other team can reach them.
 */
export const TEAM_ENDPOINTS: EndpointCase[] = [
  { name: 'get team', method: 'get', path: (o) => `/teams/${o.teamId}`, role: 'viewer', safe: true },
  { name: 'rename team', method: 'patch', path: (o) => `/teams/${o.teamId}`, body: () => ({ name: 'x' }), role: 'admin', safe: false },
  { name: 'delete team', method: 'delete', path: (o) => `/teams/${o.teamId}`, role: 'owner', safe: false },
  { name: 'list members', method: 'get', path: (o) => `/teams/${o.teamId}/members`, role: 'viewer', safe: true },
  { name: 'add member', method: 'post', path: (o) => `/teams/${o.teamId}/members`, body: () => ({ email: 'nobody@example.com', role: 'viewer' }), role: 'admin', safe: false },
  { name: 'change member role', method: 'patch', path: (o) => `/teams/${o.teamId}/members/${o.memberUserId}`, body: () => ({ role: 'viewer' }), role: 'admin', safe: false },
  { name: 'remove member', method: 'delete', path: (o) => `/teams/${o.teamId}/members/${o.memberUserId}`, role: 'admin', safe: false },
  { name: 'list api keys', method: 'get', path: (o) => `/teams/${o.teamId}/api-keys`, role: 'admin', safe: true },
  { name: 'create api key', method: 'post', path: (o) => `/teams/${o.teamId}/api-keys`, body: () => ({ name: 'x', role: 'viewer' }), role: 'admin', safe: false },
  { name: 'revoke api key', method: 'delete', path: (o) => `/teams/${o.teamId}/api-keys/${o.apiKeyId}`, role: 'admin', safe: false },
];
