import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One HTTP attempt to deliver one notification; retries of a notification share `deliveryId`. */
@Entity('webhook_deliveries')
export class WebhookDelivery {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'team_id', type: 'uuid' }) teamId: string;
  @Column({ name: 'webhook_id', type: 'uuid' }) webhookId: string;
  @Column({ name: 'suite_run_id', type: 'uuid' }) suiteRunId: string;
  @Column({ name: 'delivery_id' }) deliveryId: string;
  @Column({ type: 'int' }) attempt: number;
  @Column({ type: 'varchar' }) outcome: 'delivered' | 'failed';
  @Column({ name: 'http_status', type: 'int', nullable: true }) httpStatus: number | null;
  @Column({ type: 'text', nullable: true }) error: string | null;
  @Column({ name: 'duration_ms', type: 'int' }) durationMs: number;
  @Column({ name: 'response_body', type: 'text', nullable: true }) responseBody: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
