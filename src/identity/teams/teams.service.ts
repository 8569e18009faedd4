import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, type Repository } from 'typeorm';
import { AppException } from '../../common/errors/app.exception';
import { AppConfig } from '../../config/app-config';
import { TenancyService } from '../tenancy/tenancy.service';
import type { TeamContext } from '../tenancy/principal';
import { effectiveTeamRole, type OrgRole, type TeamRole } from '../tenancy/roles';
import { Team } from './team.entity';

export interface TeamView {
  id: string;
  orgId: string;
  name: string;
  role: TeamRole;
  createdAt: Date;
}

@Injectable()
export class TeamsService {
  constructor(
    @InjectRepository(Team) private readonly teams: Repository<Team>,
    private readonly tenancy: TenancyService,
    private readonly config: AppConfig,
  ) {}

  /** Teams the user is a member of, plus every team of organisations the user owns or administers. */
  async listMine(userId: string): Promise<TeamView[]> {
    const rows: Array<{ id: string; org_id: string; name: string; created_at: Date; team_role: TeamRole | null; org_role: OrgRole | null }> =
      await this.teams.query(
        `SELECT t.id, t.org_id, t.name, t.created_at, tm.role AS team_role, om.role AS org_role
           FROM teams t
           LEFT JOIN team_memberships tm ON tm.team_id = t.id AND tm.user_id = $1
           LEFT JOIN org_memberships om ON om.org_id = t.org_id AND om.user_id = $1
          WHERE tm.user_id IS NOT NULL OR om.role IN ('owner', 'admin')
          ORDER BY t.name`,
        [userId],
      );
    return rows.map((r) => ({
      id: r.id,
      orgId: r.org_id,
      name: r.name,
      createdAt: r.created_at,
      role: effectiveTeamRole(r.team_role ?? undefined, r.org_role ?? undefined)!,
    }));
  }

  async get(team: TeamContext): Promise<TeamView> {
    const row = await this.teams.findOneOrFail({ where: { id: team.teamId } });
    return { ...row, role: team.role };
  }

  async rename(team: TeamContext, name: string): Promise<TeamView> {
    const clash = await this.teams.findOne({ where: { orgId: team.orgId, name } });
    if (clash && clash.id !== team.teamId) throw AppException.conflict('name: a team with this name already exists in the organisation');
    await this.teams.update({ id: team.teamId }, { name });
    return this.get(team);
  }

  /**
   * A team's own concurrency limit (null: the deployment default). Set by an owner or admin of the
   * organisation, not of the team: the limit is what keeps one team from starving its neighbours.
   */
  async setConcurrencyLimit(team: TeamContext, limit: number | null): Promise<void> {
    const orgRole = team.principal.kind === 'user' ? await this.tenancy.orgRole(team.principal.userId, team.orgId) : undefined;
    if (orgRole !== 'owner' && orgRole !== 'admin') {
      throw AppException.forbidden("maxConcurrentExecutions: only an owner or admin of the organisation may set a team's concurrency limit");
    }
    const ceiling = this.config.TEAM_MAX_CONCURRENT_EXECUTIONS_CEILING;
    if (limit !== null && limit > ceiling) {
      throw AppException.validation([{ field: 'maxConcurrentExecutions', message: `maxConcurrentExecutions must be at most ${ceiling} (TEAM_MAX_CONCURRENT_EXECUTIONS_CEILING)` }]);
    }
    await this.teams.update({ id: team.teamId }, { maxConcurrentExecutions: limit });
  }

  /**
   * Deletes an empty team. Team-owned tables reference teams with ON DELETE RESTRICT, so the database
   * itself refuses while flows, resources, suites or executions remain — no check can go stale.
   */
  async delete(team: TeamContext): Promise<void> {
    try {
      await this.teams.delete({ id: team.teamId });
    } catch (error) {
      if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23503') {
        throw AppException.conflict('The team still owns flows, resources, suites or executions; delete them first');
      }
      throw error;
    }
  }
}
