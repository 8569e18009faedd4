import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, type Repository } from 'typeorm';
import { AppException } from '../../common/errors/app.exception';
import { Team } from '../teams/team.entity';
import { TeamMembership } from '../teams/team-membership.entity';
import type { OrgRole } from '../tenancy/roles';
import { TenancyService } from '../tenancy/tenancy.service';
import { OrgMembership } from './org-membership.entity';
import { Organisation } from './organisation.entity';

export interface OrganisationView {
  id: string;
  name: string;
  role: OrgRole;
  createdAt: Date;
}

@Injectable()
export class OrganisationsService {
  constructor(
    @InjectRepository(Organisation) private readonly orgs: Repository<Organisation>,
    private readonly dataSource: DataSource,
    private readonly tenancy: TenancyService,
  ) {}

  /** Creates an organisation owned by the caller. */
  async create(userId: string, name: string): Promise<OrganisationView> {
    const org = await this.dataSource.transaction(async (m) => {
      const created = await m.save(m.create(Organisation, { name }));
      await m.insert(OrgMembership, { orgId: created.id, userId, role: 'owner' });
      return created;
    });
    return { ...org, role: 'owner' };
  }

  async listMine(userId: string): Promise<OrganisationView[]> {
    const rows = await this.orgs
      .createQueryBuilder('o')
      .innerJoin(OrgMembership, 'm', 'm.org_id = o.id AND m.user_id = :userId', { userId })
      .addSelect('m.role', 'role')
      .orderBy('o.name')
      .getRawAndEntities();
    return rows.entities.map((org, i) => ({ ...org, role: (rows.raw[i] as { role: OrgRole }).role }));
  }

  async get(userId: string, orgId: string, required: OrgRole = 'member'): Promise<OrganisationView> {
    const role = await this.tenancy.orgRole(userId, orgId);
    const org = role ? await this.orgs.findOne({ where: { id: orgId } }) : null;
    if (!org || !role) throw AppException.notFound('Organisation');
    const rank = ['member', 'admin', 'owner'];
    if (rank.indexOf(role) < rank.indexOf(required)) throw AppException.forbidden(`This action needs the organisation ${required} role`);
    return { ...org, role };
  }

  async rename(userId: string, orgId: string, name: string): Promise<OrganisationView> {
    const org = await this.get(userId, orgId, 'owner');
    await this.orgs.update({ id: orgId }, { name });
    return { ...org, name };
  }

  /** Org owners and admins create teams; the creator becomes the team's owner. */
  async createTeam(userId: string, orgId: string, name: string): Promise<Team> {
    await this.get(userId, orgId, 'admin');
    return this.dataSource.transaction(async (m) => {
      if (await m.exists(Team, { where: { orgId, name } })) throw AppException.conflict('name: a team with this name already exists in the organisation');
      const team = await m.save(m.create(Team, { orgId, name }));
      await m.insert(TeamMembership, { teamId: team.id, userId, role: 'owner' });
      return team;
    });
  }
}
