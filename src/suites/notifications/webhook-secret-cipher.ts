import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';

export interface SealedWebhookSecret {
  keyId: string;
  /** base64(iv ‖ ciphertext ‖ tag) */
  ciphertext: string;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM for webhook signing secrets under the SECRETS_KEYS of the resources module (first key
 * encrypts, every listed key decrypts). The resources module does not export its cipher, so this is a
 * small one of our own with the same format. The webhook id is bound as additional authenticated data:
 * a ciphertext copied onto another webhook does not decrypt.
 */
@Injectable()
export class WebhookSecretCipher {
  private readonly keys = new Map<string, Buffer>();
  private readonly currentKeyId: string;

  constructor(config: AppConfig) {
    const entries = config.SECRETS_KEYS.split(',').map((e) => e.trim());
    for (const entry of entries) {
      const at = entry.indexOf(':');
      const key = Buffer.from(entry.slice(at + 1), 'base64');
      if (key.length !== 32) throw new Error(`SECRETS_KEYS: key "${entry.slice(0, at)}" must decode to 32 bytes`);
      this.keys.set(entry.slice(0, at), key);
    }
    this.currentKeyId = entries[0].slice(0, entries[0].indexOf(':'));
  }

  encrypt(secret: string, webhookId: string): SealedWebhookSecret {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentKeyId)!, iv);
    cipher.setAAD(Buffer.from(`suite-webhook:${webhookId}`, 'utf8'));
    const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return { keyId: this.currentKeyId, ciphertext: Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64') };
  }

  decrypt(sealed: SealedWebhookSecret, webhookId: string): string {
    const key = this.keys.get(sealed.keyId);
    if (!key) throw new Error(`the webhook secret was encrypted with key "${sealed.keyId}", which is not in SECRETS_KEYS`);
    const raw = Buffer.from(sealed.ciphertext, 'base64');
    if (raw.length < IV_BYTES + TAG_BYTES) throw new Error('the webhook secret ciphertext is truncated');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(`suite-webhook:${webhookId}`, 'utf8'));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new Error('the webhook secret failed authentication (altered, or belongs to another webhook)');
    }
  }
}
