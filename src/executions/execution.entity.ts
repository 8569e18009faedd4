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

/** How the run was asked for: the caller's run parameters, and what started it when that was not a user. */
export interface ExecutionParameters {
  initialDelay?: number;
  timeoutMs?: number;
  /** The inbound alert delivery (triggers module) that started it; set by the server, never by a caller. */
  alertDeliveryId?: string;
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
  /**
   * Sent to the system under test (HTTP/Kafka headers) and readable as `${execution.correlationId}`.
   * Null only on executions created before these columns existed: read them through correlationOf().
   */
  @Column({ name: 'correlation_id', type: 'varchar', length: 128, nullable: true }) correlationId: string | null;
  /** W3C trace id of the run: every HTTP request it sends carries `traceparent: 00-<traceId>-<span>-01`. Null as above. */
  @Column({ name: 'trace_id', type: 'char', length: 32, nullable: true }) traceId: string | null;
  @Column({ type: 'jsonb' }) parameters: ExecutionParameters;
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
  /** Bytes of JSON its steps stored (requests, responses, assertions, after the result caps); what team storage sums. */
  @Column({ name: 'stored_bytes', type: 'int' }) storedBytes: number;
  /** The flow's declared outputs as evaluated when the run ended (see flow-language/outputs); null while running or when cancelled. */
  @Column({ type: 'jsonb', nullable: true }) outputs: Record<string, unknown> | null;
  /** Set on the child execution a `flow` step started: the run that called it, and that step's index. */
  @Column({ name: 'parent_execution_id', type: 'uuid', nullable: true }) parentExecutionId: string | null;
  @Column({ name: 'parent_step_index', type: 'int', nullable: true }) parentStepIndex: number | null;
  /** Why a PENDING run has not started (its team is at its concurrency limit); null once it runs. */
  @Column({ name: 'waiting_reason', type: 'text', nullable: true }) waitingReason: string | null;
  /** Times the run found its team full; names the job of its next promotion (executionJobId). */
  @Column({ name: 'slot_waits', type: 'int' }) slotWaits: number;
  /** The execution this one re-runs (POST …/executions/{id}/rerun, or a suite run's re-run); null otherwise. */
  @Column({ name: 'rerun_of', type: 'uuid', nullable: true }) rerunOf: string | null;
  @OneToMany(() => ExecutionStep, (s) => s.execution) steps?: ExecutionStep[];
}
