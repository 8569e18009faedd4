import type { ApiKeyRole, TeamRole } from './roles';

/** Who is calling: a signed-in user, or a team API key (which can only ever reach its own team). */
export type Principal =
  /**
   * `unverified`: the token is valid but whether the user still exists was left to the team lookup of
   * a team-scoped route (one statement fewer per request; see AuthenticationGuard).
   */
  | { kind: 'user'; userId: string; unverified?: boolean }
  /**
   * `role` is what the key was created with; it acts with at most its creator's current role in the
   * team (TenancyService), so removing or demoting the creator takes the key down with them.
   */
  | { kind: 'apiKey'; keyId: string; teamId: string; role: ApiKeyRole; createdBy: string | null };

/** The team a team-scoped request acts on, and the caller's effective role in it. */
export interface TeamContext {
  teamId: string;
  orgId: string;
  role: TeamRole;
  principal: Principal;
  /** User id for audit columns; null for API keys. */
  userId: string | null;
}

export interface AuthenticatedRequest {
  principal?: Principal;
  teamContext?: TeamContext;
  params: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  ip?: string;
}
