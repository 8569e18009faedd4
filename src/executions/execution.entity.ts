import { Column, CreateDateColumn, Entity, OneToMany, PrimaryGeneratedColumn } from 'typeorm';
import type { ExecutionStatus, ExecutionTrigger } from './execution-status';
import { ExecutionStep } from './execution-step.entity';

/** What happened when a worker picked up an execution another worker had left unfinished. */
export interface RecoveryRecord {
  attempt: number;
  at: string;
  reason: string;
  resumedFromStep: number;
}

@Entity('executions')
export class Execution {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'team_id', type: 'uuid' }) teamId: string;
  @Column({ name: 'flow_id', type: 'uuid' }) flowId: string;
  @Column({ name: 'flow_version', type: 'int' }) flowVersion: number;
  @Column({ name: 'flow_name' }) flowName: string;
  @Column({ type: 'varchar' }) status: ExecutionStatus;
  @Column({ type: 'varchar' }) trigger: ExecutionTrigger;
  @Column({ name: 'suite_run_id', type: 'uuid', nullable: true }) suiteRunId: string | null;
  @Column({ name: 'user_id', type: 'uuid', nullable: true }) userId: string | null;
  @Column({ type: 'jsonb' }) variables: Record<string, unknown>;
  @Column({ type: 'jsonb' }) parameters: { initialDelay?: number; timeoutMs?: number };
  @Column({ type: 'text', nullable: true }) error: string | null;
  @Column({ type: 'int' }) attempt: number;
  @Column({ type: 'jsonb' }) recoveries: RecoveryRecord[];
  @Column({ type: 'int' }) seq: number;
  /** Steps that failed with allowFailure (the execution can be COMPLETED with warnings). */
  @Column({ type: 'int', default: 0 }) warnings: number;
  @Column({ name: 'cancel_requested_at', type: 'timestamptz', nullable: true }) cancelRequestedAt: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'started_at', type: 'timestamptz', nullable: true }) startedAt: Date | null;
  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true }) finishedAt: Date | null;
  /** Last sign of life of the worker running it (claim, then every EXECUTION_HEARTBEAT_INTERVAL_MS). */
  @Column({ name: 'heartbeat_at', type: 'timestamptz', nullable: true }) heartbeatAt: Date | null;
  @OneToMany(() => ExecutionStep, (s) => s.execution) steps?: ExecutionStep[];
}
