import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** A team's flow: the mutable header. Its steps and variables live in immutable FlowVersion rows. */
@Entity('flows')
export class Flow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'team_id', type: 'uuid' }) teamId: string;
  @Column({ type: 'varchar' }) name: string;
  @Column({ type: 'text' }) description: string;
  @Column({ type: 'text', array: true }) tags: string[];
  /** Distinct step types of the latest version, denormalised for the `stepType` filter (GIN index). */
  @Column({ name: 'step_types', type: 'text', array: true }) stepTypes: string[];
  @Column({ name: 'latest_version', type: 'int' }) latestVersion: number;
  @Column({ name: 'created_by', type: 'uuid', nullable: true }) createdBy: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
  /** Soft delete: executions keep pointing at the flow's versions; the name becomes free again. */
  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true }) deletedAt: Date | null;
}
