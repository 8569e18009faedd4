import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('teams')
export class Team {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'org_id', type: 'uuid' }) orgId: string;
  @Column() name: string;
  /** Executions the team may run at once; null = the deployment default (TEAM_MAX_CONCURRENT_EXECUTIONS). */
  @Column({ name: 'max_concurrent_executions', type: 'int', nullable: true }) maxConcurrentExecutions: number | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
