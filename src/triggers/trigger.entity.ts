import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { TriggerRule } from './trigger-rule';
import type { TriggerSource } from './trigger-source';

@Entity('triggers')
export class Trigger {
  /** Generated before insert: the id is the secret's authenticated context and the hook URL's last segment. */
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ name: 'team_id', type: 'uuid' }) teamId: string;
  @Column() name: string;
  @Column({ type: 'varchar' }) source: TriggerSource;
  @Column({ type: 'jsonb' }) rules: TriggerRule[];
  @Column({ name: 'dedup_window_sec', type: 'int' }) dedupWindowSec: number;
  @Column() enabled: boolean;
  /** The secret itself is needed to check HMAC signatures, so it is sealed (SecretCipher), not hashed. */
  @Column({ name: 'secret_key_id' }) secretKeyId: string;
  @Column({ name: 'secret_ciphertext', type: 'text' }) secretCiphertext: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
