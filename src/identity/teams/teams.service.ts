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
  executionRetentionDays: number | null;
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
    const rows: Array<{ id: string; org_id: string; name: string; created_at: Date; execution_retention_days: number | null; team_role: TeamRole | null; org_role: OrgRole | null }> =
      await this.teams.query(
        `SELECT t.id, t.org_id, t.name, t.created_at, t.execution_retention_days, tm.role AS team_role, om.role AS org_role
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
      executionRetentionDays: r.execution_retention_days,
      role: effectiveTeamRole(r.team_role ?? undefined, r.org_role ?? undefined)!,
    }));
  }

  async get(team: TeamContext): Promise<TeamView> {
    const row = await this.teams.findOneOrFail({ where: { id: team.teamId } });
    return { ...row, role: team.role };
  }

  /** Renames the team and/or sets its retention override (the latter only for owners and admins of its organisation). */
  async update(team: TeamContext, changes: { name?: string; executionRetentionDays?: number | null; maxConcurrentExecutions?: number | null }): Promise<TeamView> {
    const { name, executionRetentionDays, maxConcurrentExecutions } = changes;
    // Retention decides how much the team stores and the concurrency limit how much of the workers it
    // takes: a team admin must not be able to raise either for themselves.
    if ((executionRetentionDays !== undefined || maxConcurrentExecutions !== undefined) && !(await this.isOrgAdmin(team))) {
      const field = executionRetentionDays !== undefined ? 'executionRetentionDays' : 'maxConcurrentExecutions';
      throw AppException.forbidden(`${field}: only owners and admins of the organisation can change retention and concurrency limits`);
    }
    if (maxConcurrentExecutions !== undefined) this.assertConcurrencyLimit(maxConcurrentExecutions);
    if (name !== undefined) {
      const clash = await this.teams.findOne({ where: { orgId: team.orgId, name } });
      if (clash && clash.id !== team.teamId) throw AppException.conflict('name: a team with this name already exists in the organisation');
    }
    const set = {
      ...(name !== undefined && { name }),
      ...(executionRetentionDays !== undefined && { executionRetentionDays }),
      ...(maxConcurrentExecutions !== undefined && { maxConcurrentExecutions }),
    };
    if (Object.keys(set).length) await this.teams.update({ id: team.teamId }, set);
    return this.get(team);
  }

  /**
   * The limits in force for the team: its own concurrency limit capped by the deployment ceiling, else
   * TEAM_MAX_CONCURRENT_EXECUTIONS (as ats_team_slot decides it), and its retention override, else
   * EXECUTION_RETENTION_DAYS.
   */
  async limitsOf(teamId: string): Promise<{ concurrencyLimit: number; retentionDays: number }> {
    const team = await this.teams.findOneOrFail({ where: { id: teamId }, select: { id: true, maxConcurrentExecutions: true, executionRetentionDays: true } });
    const own = team.maxConcurrentExecutions;
    return {
      concurrencyLimit: own === null ? this.config.TEAM_MAX_CONCURRENT_EXECUTIONS : Math.min(own, this.config.TEAM_MAX_CONCURRENT_EXECUTIONS_CEILING),
      retentionDays: team.executionRetentionDays ?? this.config.EXECUTION_RETENTION_DAYS,
    };
  }

  /**
   * For every team, the time before which its finished runs are deleted: now minus the team's
   * retention override, else minus `defaultDays` (EXECUTION_RETENTION_DAYS). Database time, like the
   * created_at it is compared with.
   */
  async retentionCutoffs(defaultDays: number): Promise<Array<{ teamId: string; cutoff: Date }>> {
    const rows: Array<{ id: string; cutoff: Date }> = await this.teams.query(
      'SELECT id, now() - make_interval(days => COALESCE(execution_retention_days, $1)) AS cutoff FROM teams',
      [defaultDays],
    );
    return rows.map((r) => ({ teamId: r.id, cutoff: r.cutoff }));
  }

  private async isOrgAdmin(team: TeamContext): Promise<boolean> {
    if (team.principal.kind !== 'user') return false;
    const [row] = await this.teams.query(`SELECT 1 FROM org_memberships WHERE org_id = $1 AND user_id = $2 AND role IN ('owner', 'admin')`, [team.orgId, team.principal.userId]);
    return !!row;
  }

  /** An org owner/admin's own limit for the team must stay under the deployment's ceiling. */
  private assertConcurrencyLimit(limit: number | null): void {
    const ceiling = this.config.TEAM_MAX_CONCURRENT_EXECUTIONS_CEILING;
    if (limit !== null && limit > ceiling) {
      throw AppException.validation([{ field: 'maxConcurrentExecutions', message: `maxConcurrentExecutions must be at most ${ceiling} (TEAM_MAX_CONCURRENT_EXECUTIONS_CEILING)` }]);
    }
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
