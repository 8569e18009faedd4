import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { AssertionResult } from '../flow-language/assertions/assertion';
import type { StepStatus } from './execution-status';
import { Execution } from './execution.entity';

@Entity('execution_steps')
export class ExecutionStep {
  @PrimaryColumn({ name: 'execution_id', type: 'uuid' }) executionId: string;
  @PrimaryColumn({ name: 'step_index', type: 'int' }) stepIndex: number;
  @Column({ name: 'step_id' }) stepId: string;
  @Column() name: string;
  @Column() type: string;
  @Column() background: boolean;
  @Column({ type: 'varchar' }) status: StepStatus;
  /** The substituted config that ran, with secrets redacted. */
  @Column({ type: 'jsonb', nullable: true }) request: unknown;
  @Column({ type: 'jsonb', nullable: true }) response: unknown;
  @Column({ type: 'jsonb' }) assertions: AssertionResult[];
  /** What the plugin logged (`ctx.log`), bounded and redacted by the engine; null when nothing. */
  @Column({ type: 'jsonb', nullable: true }) logs: string[] | null;
  @Column({ type: 'int' }) attempts: number;
  @Column({ type: 'text', nullable: true }) error: string | null;
  @Column({ name: 'started_at', type: 'timestamptz', nullable: true }) startedAt: Date | null;
  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true }) finishedAt: Date | null;
  @Column({ name: 'duration_ms', type: 'int', nullable: true }) durationMs: number | null;
  /** For a `flow` step: the child execution it started (the latest one when the step was retried). */
  @Column({ name: 'child_execution_id', type: 'uuid', nullable: true }) childExecutionId: string | null;
  /** ERROR of a step with allowFailure: a warning, not a failure of the execution. */
  @Column({ type: 'boolean', default: false }) warning: boolean;
  /** Copied from the original by a re-run `?fromStep=`: this run did not execute it, it reused that stored result. */
  @Column({ type: 'boolean', default: false }) reused: boolean;
  @ManyToOne(() => Execution, (e) => e.steps) @JoinColumn({ name: 'execution_id' }) execution?: Execution;
}
