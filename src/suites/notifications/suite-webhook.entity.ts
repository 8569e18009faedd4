import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export const WEBHOOK_TRIGGERS = ['always', 'on-failure', 'on-change'] as const;
export type WebhookTrigger = (typeof WEBHOOK_TRIGGERS)[number];
export const WEBHOOK_FORMATS = ['json', 'slack'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

@Entity('suite_webhooks')
export class SuiteWebhook {
  /** Generated before insert: the id is the secret's authenticated context. */
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ name: 'team_id', type: 'uuid' }) teamId: string;
  @Column({ name: 'suite_id', type: 'uuid' }) suiteId: string;
  @Column() name: string;
  @Column({ type: 'text' }) url: string;
  @Column({ name: 'notify_on', type: 'varchar' }) notifyOn: WebhookTrigger;
  @Column({ type: 'varchar' }) format: WebhookFormat;
  @Column({ name: 'secret_key_id' }) secretKeyId: string;
  @Column({ name: 'secret_ciphertext', type: 'text' }) secretCiphertext: string;
  @Column() enabled: boolean;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
