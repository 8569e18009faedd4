import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { FlowDefaults, FlowOutputs, StepDefinition, VariableDeclaration } from './flow-definition';

/** One immutable version of a flow's variables and steps; never updated once written. */
@Entity('flow_versions')
export class FlowVersion {
  @PrimaryColumn({ name: 'flow_id', type: 'uuid' }) flowId: string;
  @PrimaryColumn({ type: 'int' }) version: number;
  @Column({ type: 'jsonb' }) variables: VariableDeclaration[];
  @Column({ type: 'jsonb' }) steps: StepDefinition[];
  @Column({ type: 'jsonb' }) outputs: FlowOutputs;
  /** Flow-level defaults (`defaults.retry`); `{}` when none. */
  @Column({ type: 'jsonb', default: () => `'{}'::jsonb` }) defaults: FlowDefaults;
  /** The version this one copies when it was created by a restore. */
  @Column({ name: 'restored_from', type: 'int', nullable: true }) restoredFrom: number | null;
  @Column({ name: 'created_by', type: 'uuid', nullable: true }) createdBy: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
