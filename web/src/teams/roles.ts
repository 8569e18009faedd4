import type { TeamRole } from '../api/identity';

/** Weakest first, as on the server (src/identity/tenancy/roles.ts): each role can do what the ones before it can. */
export const TEAM_ROLES: readonly TeamRole[] = ['viewer', 'editor', 'admin', 'owner'];

export function hasRole(actual: TeamRole | undefined, required: TeamRole): boolean {
  return actual !== undefined && TEAM_ROLES.indexOf(actual) >= TEAM_ROLES.indexOf(required);
}
