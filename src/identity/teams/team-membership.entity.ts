import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { TeamRole } from '../tenancy/roles';

@Entity('team_memberships')
export class TeamMembership {
  @PrimaryColumn({ name: 'team_id', type: 'uuid' }) teamId: string;
  @PrimaryColumn({ name: 'user_id', type: 'uuid' }) userId: string;
  @Column({ type: 'varchar' }) role: TeamRole;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
