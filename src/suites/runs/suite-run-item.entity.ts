import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One entry of a suite run: its execution and whether it was handed to the queue yet. */
@Entity('suite_run_items')
export class SuiteRunItem {
  @PrimaryColumn({ name: 'suite_run_id', type: 'uuid' }) suiteRunId: string;
  @PrimaryColumn({ type: 'int' }) position: number;
  @Column({ name: 'execution_id', type: 'uuid' }) executionId: string;
  @Column({ name: 'flow_id', type: 'uuid' }) flowId: string;
  @Column({ name: 'flow_version', type: 'int' }) flowVersion: number;
  @Column({ name: 'flow_name' }) flowName: string;
  @Column({ name: 'dispatched_at', type: 'timestamptz', nullable: true }) dispatchedAt: Date | null;
  @Column({ name: 'reported_status', type: 'varchar', nullable: true }) reportedStatus: string | null;
}
