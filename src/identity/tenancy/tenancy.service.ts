import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { DataSource, Repository } from 'typeorm';
import { AppException } from '../../common/errors/app.exception';
import { preparedQuery } from '../../database/prepared-query';
import { OrgMembership } from '../organisations/org-membership.entity';
import { UsersService } from '../users/users.service';
import type { Principal, TeamContext } from './principal';
import { effectiveTeamRole, hasTeamRole, type OrgRole, type TeamRole } from './roles';

interface TeamRow {
  user_exists: boolean;
  id: string;
  org_id: string;
  team_role: TeamRole | null;
  org_role: OrgRole | null;
}

/**
 * The one place that decides whether a principal may act on a team, and with which role. Every
 * team-scoped route goes through it (via TeamAccessGuard); a team the caller cannot see answers 404,
 * exactly like a team that does not exist.
 */
@Injectable()
export class TenancyService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectRepository(OrgMembership) private readonly orgMembers: Repository<OrgMembership>,
    private readonly users: UsersService,
  ) {}

  async resolveTeam(principal: Principal, teamId: string, required: TeamRole): Promise<TeamContext> {
    const row = isUuid(teamId) ? await this.lookUp(principal, teamId) : undefined;
    if (principal.kind === 'user' && principal.unverified) {
      // Not a team id: no lookup ran, so the user is checked on its own.
      if (!row) await this.users.assertExists(principal.userId);
      else if (!row.user_exists) throw AppException.unauthenticated('User no longer exists');
    }
    const team = row?.id ? row : undefined;
    const role = team && this.roleIn(principal, team);
    if (!team || !role) throw AppException.notFound('Team');
    if (!hasTeamRole(role, required)) throw AppException.forbidden(`This action needs the ${required} role; you are ${role}`);
    return { teamId: team.id, orgId: team.org_id, role, principal, userId: principal.kind === 'user' ? principal.userId : null };
  }

  async orgRole(userId: string, orgId: string): Promise<OrgRole | undefined> {
    if (!isUuid(orgId)) return undefined;
    return (await this.orgMembers.findOne({ where: { orgId, userId } }))?.role;
  }

  /**
   * Whether the user exists, the team and the user's two memberships, in one prepared statement: this
   * runs on every team-scoped request, where four ORM lookups were a measurable share of the API's CPU
   * (bench/RESULTS.md). Always one row; `id` is null when the team does not exist. For an API key the
   * user is the key's creator, whose current role caps the key's.
   */
  private async lookUp(principal: Principal, teamId: string): Promise<TeamRow> {
    const userId = principal.kind === 'user' ? principal.userId : principal.createdBy;
    const [row] = await preparedQuery<TeamRow>(
      this.db,
      'tenancy-team-roles',
      `SELECT EXISTS (SELECT 1 FROM users WHERE id = $2) AS user_exists, t.id, t.org_id, tm.role AS team_role, om.role AS org_role
         FROM (SELECT 1) AS one
         LEFT JOIN teams t ON t.id = $1
         LEFT JOIN team_memberships tm ON tm.team_id = t.id AND tm.user_id = $2
         LEFT JOIN org_memberships om ON om.org_id = t.org_id AND om.user_id = $2`,
      [teamId, userId],
    );
    return row;
  }


  private roleIn(principal: Principal, team: TeamRow): TeamRole | undefined {
    const userRole = team.user_exists ? effectiveTeamRole(team.team_role ?? undefined, team.org_role ?? undefined) : undefined;
    if (principal.kind === 'user') return userRole;
    if (principal.teamId !== team.id) return undefined;
    // Checked at use rather than revoked on every membership change: one rule, in the statement that
    // runs anyway, covers removal from the team or org, demotion and deleted accounts alike.
    if (!userRole) throw AppException.unauthenticated('API key revoked: the member who created it no longer has access to this team');
    return hasTeamRole(userRole, principal.role) ? principal.role : userRole;
  }
}

export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
