/** Team roles, weakest first. Each role can do everything the roles before it can. */
export const TEAM_ROLES = ['viewer', 'editor', 'admin', 'owner'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

export const ORG_ROLES = ['member', 'admin', 'owner'] as const;
export type OrgRole = (typeof ORG_ROLES)[number];

/** Roles an API key may carry: a key never owns a team. */
export const API_KEY_ROLES = ['viewer', 'editor', 'admin'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

export function hasTeamRole(actual: TeamRole, required: TeamRole): boolean {
  return TEAM_ROLES.indexOf(actual) >= TEAM_ROLES.indexOf(required);
}

/**
 * The effective role in a team: the stronger of the team membership and what the organisation
 * role grants (org owners act as team owners, org admins as team admins, on every team of the org).
 */
export function effectiveTeamRole(teamRole: TeamRole | undefined, orgRole: OrgRole | undefined): TeamRole | undefined {
  const fromOrg: TeamRole | undefined = orgRole === 'owner' ? 'owner' : orgRole === 'admin' ? 'admin' : undefined;
  if (!teamRole) return fromOrg;
  if (!fromOrg) return teamRole;
  return hasTeamRole(teamRole, fromOrg) ? teamRole : fromOrg;
}
