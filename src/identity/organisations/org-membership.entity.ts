import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { OrgRole } from '../tenancy/roles';

@Entity('org_memberships')
export class OrgMembership {
  @PrimaryColumn({ name: 'org_id', type: 'uuid' }) orgId: string;
  @PrimaryColumn({ name: 'user_id', type: 'uuid' }) userId: string;
  @Column({ type: 'varchar' }) role: OrgRole;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
