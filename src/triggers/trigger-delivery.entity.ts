import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { TriggerSource } from './trigger-source';

/** Why an alert × rule started nothing, in words a tester reads in the delivery list. */
export const DELIVERY_SKIP_REASONS = ['no-rule-matched', 'deduplicated', 'target-not-found', 'variables-unresolved', 'start-failed'] as const;
export type DeliverySkipReason = (typeof DELIVERY_SKIP_REASONS)[number];

/** What one alert led to: a run per matching rule, or why not. `rule` is the rule's index in the trigger. */
export type DeliveryOutcome =
  | { fingerprint: string; status: string; rule: number; started: { executionId: string } | { suiteRunId: string } }
  | { fingerprint: string; status: string; rule: number | null; skipped: DeliverySkipReason; detail?: string };

@Entity('trigger_deliveries')
export class TriggerDelivery {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ name: 'trigger_id', type: 'uuid' }) triggerId: string;
  @Column({ name: 'team_id', type: 'uuid' }) teamId: string;
  @Column({ type: 'varchar' }) source: TriggerSource;
  @Column({ name: 'alerts_count', type: 'int' }) alertsCount: number;
  @Column({ type: 'jsonb' }) outcomes: DeliveryOutcome[];
  /** Set when the payload could not be read (the hook answered 400): nothing was started. */
  @Column({ type: 'text', nullable: true }) error: string | null;
  @Column({ name: 'received_at', type: 'timestamptz' }) receivedAt: Date;
}
