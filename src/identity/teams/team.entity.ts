import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('teams')
export class Team {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'org_id', type: 'uuid' }) orgId: string;
  @Column() name: string;
  /** Days its finished runs are kept; null: EXECUTION_RETENTION_DAYS. Set by org owners/admins only. */
  @Column({ name: 'execution_retention_days', type: 'int', nullable: true }) executionRetentionDays: number | null;
  /** Executions the team may run at once; null = the deployment default (TEAM_MAX_CONCURRENT_EXECUTIONS). */
  @Column({ name: 'max_concurrent_executions', type: 'int', nullable: true }) maxConcurrentExecutions: number | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
