import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { SuiteEntry, SuiteMode, SuiteVariable } from './suite-definition';

@Entity('suites')
export class Suite {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'team_id', type: 'uuid' }) teamId: string;
  @Column() name: string;
  @Column({ type: 'text' }) description: string;
  @Column({ type: 'jsonb' }) entries: SuiteEntry[];
  @Column({ type: 'jsonb' }) variables: SuiteVariable[];
  @Column({ type: 'varchar' }) mode: SuiteMode;
  @Column({ name: 'fail_fast' }) failFast: boolean;
  @Column({ name: 'max_parallel', type: 'int' }) maxParallel: number;
  @Column() enabled: boolean;
  @Column({ type: 'text', array: true }) tags: string[];
  @Column({ name: 'schedule_cron', type: 'varchar', nullable: true }) scheduleCron: string | null;
  @Column({ name: 'schedule_timezone', type: 'varchar', nullable: true }) scheduleTimezone: string | null;
  @Column({ name: 'schedule_enabled' }) scheduleEnabled: boolean;
  @Column({ name: 'created_by', type: 'uuid', nullable: true }) createdBy: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
