import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AppException } from '../../common/errors/app.exception';
import { OrgMembership } from '../organisations/org-membership.entity';
import { Team } from '../teams/team.entity';
import { TeamMembership } from '../teams/team-membership.entity';
import type { Principal, TeamContext } from './principal';
import { effectiveTeamRole, hasTeamRole, type OrgRole, type TeamRole } from './roles';

/**
 * The one place that decides whether a principal may act on a team, and with which role. Every
 * team-scoped route goes through it (via TeamAccessGuard); a team the caller cannot see answers 404,
 * exactly like a team that does not exist.
 */
@Injectable()
export class TenancyService {
  constructor(
    @InjectRepository(Team) private readonly teams: Repository<Team>,
    @InjectRepository(TeamMembership) private readonly teamMembers: Repository<TeamMembership>,
    @InjectRepository(OrgMembership) private readonly orgMembers: Repository<OrgMembership>,
  ) {}

  async resolveTeam(principal: Principal, teamId: string, required: TeamRole): Promise<TeamContext> {
    const team = isUuid(teamId) ? await this.teams.findOne({ where: { id: teamId } }) : null;
    if (!team) throw AppException.notFound('Team');
    const role = await this.roleIn(principal, team);
    if (!role) throw AppException.notFound('Team');
    if (!hasTeamRole(role, required)) throw AppException.forbidden(`This action needs the ${required} role; you are ${role}`);
    return { teamId: team.id, orgId: team.orgId, role, principal, userId: principal.kind === 'user' ? principal.userId : null };
  }

  async orgRole(userId: string, orgId: string): Promise<OrgRole | undefined> {
    if (!isUuid(orgId)) return undefined;
    return (await this.orgMembers.findOne({ where: { orgId, userId } }))?.role;
  }

  private async roleIn(principal: Principal, team: Team): Promise<TeamRole | undefined> {
    if (principal.kind === 'apiKey') return principal.teamId === team.id ? principal.role : undefined;
    const [membership, orgRole] = await Promise.all([
      this.teamMembers.findOne({ where: { teamId: team.id, userId: principal.userId } }),
      this.orgRole(principal.userId, team.orgId),
    ]);
    return effectiveTeamRole(membership?.role, orgRole);
  }
}

export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
