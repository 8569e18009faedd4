import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { SuiteMode } from '../suite-definition';
import type { SuiteRunStatus, SuiteRunTrigger } from './suite-run-status';

@Entity('suite_runs')
export class SuiteRun {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'team_id', type: 'uuid' }) teamId: string;
  @Column({ name: 'suite_id', type: 'uuid' }) suiteId: string;
  @Column({ name: 'suite_name' }) suiteName: string;
  @Column({ type: 'varchar' }) status: SuiteRunStatus;
  @Column({ type: 'varchar' }) trigger: SuiteRunTrigger;
  @Column({ name: 'trigger_key', type: 'varchar', nullable: true }) triggerKey: string | null;
  /** The inbound alert delivery (triggers module) that started it; null for other triggers. */
  @Column({ name: 'alert_delivery_id', type: 'uuid', nullable: true }) alertDeliveryId: string | null;
  /** The suite run this one re-runs (POST …/suite-runs/{id}/rerun); null otherwise. */
  @Column({ name: 'rerun_of', type: 'uuid', nullable: true }) rerunOf: string | null;
  @Column({ name: 'scheduled_for', type: 'timestamptz', nullable: true }) scheduledFor: Date | null;
  @Column({ type: 'varchar' }) mode: SuiteMode;
  @Column({ name: 'fail_fast' }) failFast: boolean;
  @Column({ name: 'max_parallel', type: 'int' }) maxParallel: number;
  @Column({ type: 'int' }) total: number;
  @Column({ type: 'int' }) passed: number;
  @Column({ type: 'int' }) failed: number;
  @Column({ type: 'int' }) cancelled: number;
  @Column({ type: 'int' }) pending: number;
  @Column({ type: 'int' }) running: number;
  @Column({ type: 'int' }) seq: number;
  @Column({ name: 'stop_reason', type: 'text', nullable: true }) stopReason: string | null;
  @Column({ name: 'previous_status', type: 'varchar', nullable: true }) previousStatus: SuiteRunStatus | null;
  @Column({ name: 'cancel_requested_at', type: 'timestamptz', nullable: true }) cancelRequestedAt: Date | null;
  @Column({ name: 'notified_at', type: 'timestamptz', nullable: true }) notifiedAt: Date | null;
  @Column({ name: 'user_id', type: 'uuid', nullable: true }) userId: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'started_at', type: 'timestamptz', nullable: true }) startedAt: Date | null;
  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true }) finishedAt: Date | null;
}
