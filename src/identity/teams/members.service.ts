import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, type Repository } from 'typeorm';
import { AppException } from '../../common/errors/app.exception';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import type { TeamContext } from '../tenancy/principal';
import { TeamAccessRevocations } from '../tenancy/team-access-revocations';
import { isUuid } from '../tenancy/tenancy.service';
import type { TeamRole } from '../tenancy/roles';
import { TeamMembership } from './team-membership.entity';

export interface MemberView {
  userId: string;
  email: string;
  displayName: string;
  role: TeamRole;
  createdAt: Date;
}

@Injectable()
export class MembersService {
  constructor(
    @InjectRepository(TeamMembership) private readonly members: Repository<TeamMembership>,
    private readonly users: UsersService,
    private readonly dataSource: DataSource,
    private readonly revocations: TeamAccessRevocations,
  ) {}

  async list(teamId: string): Promise<MemberView[]> {
    const rows = await this.members.find({ where: { teamId }, order: { createdAt: 'ASC' } });
    const users = new Map((await this.users.findByIds(rows.map((r) => r.userId))).map((u) => [u.id, u]));
    return rows.map((r) => toView(r, users.get(r.userId)!));
  }

  async add(team: TeamContext, email: string, role: TeamRole): Promise<MemberView> {
    this.assertMayGrant(team, role);
    const user = await this.users.findByEmail(email);
    if (!user) throw AppException.notFound('User with this email (they must register first)');
    if (await this.members.exists({ where: { teamId: team.teamId, userId: user.id } })) {
      throw AppException.conflict('email: this user is already a member; change their role instead');
    }
    const row = await this.members.save(this.members.create({ teamId: team.teamId, userId: user.id, role }));
    return toView(row, user);
  }

  async changeRole(team: TeamContext, userId: string, role: TeamRole): Promise<MemberView> {
    this.assertMayGrant(team, role);
    return this.dataSource.transaction(async (m) => {
      const row = await this.lockMember(m, team.teamId, userId);
      if (row.role === 'owner' && team.role !== 'owner') throw AppException.forbidden('Only an owner can change an owner');
      if (row.role === 'owner' && role !== 'owner') await this.assertAnotherOwner(m, team.teamId);
      await m.update(TeamMembership, { teamId: team.teamId, userId }, { role });
      const user = await m.findOneByOrFail(User, { id: userId });
      return toView({ ...row, role }, user);
    });
  }

  async remove(team: TeamContext, userId: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const row = await this.lockMember(m, team.teamId, userId);
      if (row.role === 'owner' && team.role !== 'owner') throw AppException.forbidden('Only an owner can remove an owner');
      if (row.role === 'owner') await this.assertAnotherOwner(m, team.teamId);
      await m.delete(TeamMembership, { teamId: team.teamId, userId });
    });
    await this.revocations.publish(team.teamId, userId);
  }

  private assertMayGrant(team: TeamContext, role: TeamRole): void {
    if (role === 'owner' && team.role !== 'owner') throw AppException.forbidden('role: only an owner can grant the owner role');
  }

  // Owners are locked FOR UPDATE so two concurrent demotions cannot both see "another owner exists".
  private async assertAnotherOwner(m: EntityManager, teamId: string): Promise<void> {
    const owners = await m.find(TeamMembership, { where: { teamId, role: 'owner' }, lock: { mode: 'pessimistic_write' } });
    if (owners.length <= 1) throw AppException.conflict('The last owner of a team cannot be removed or demoted');
  }

  private async lockMember(m: EntityManager, teamId: string, userId: string): Promise<TeamMembership> {
    const row = isUuid(userId)
      ? await m.findOne(TeamMembership, { where: { teamId, userId }, lock: { mode: 'pessimistic_write' } })
      : null;
    if (!row) throw AppException.notFound('Member');
    return row;
  }
}

function toView(row: TeamMembership, user: User): MemberView {
  return { userId: row.userId, email: user.email, displayName: user.displayName, role: row.role, createdAt: row.createdAt };
}
