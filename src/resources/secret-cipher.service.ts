import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';

export interface SealedSecret {
  /** Id of the key that encrypted it (from SECRETS_KEYS), so keys can rotate. */
  keyId: string;
  /** base64(iv ‖ ciphertext ‖ auth tag). */
  ciphertext: string;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM under the keys of SECRETS_KEYS (`keyId:base64(32 bytes)`, comma-separated): the first
 * encrypts, every listed key decrypts, so a new key can be put first while old rows still open.
 * `context` is bound as additional authenticated data (the resource id): a ciphertext copied to
 * another row fails to decrypt just like a tampered one.
 */
@Injectable()
export class SecretCipher {
  private readonly keys = new Map<string, Buffer>();
  private readonly currentKeyId: string;

  constructor(config: AppConfig) {
    const entries = config.SECRETS_KEYS.split(',').map((entry) => entry.trim());
    for (const entry of entries) {
      const separator = entry.indexOf(':');
      const keyId = entry.slice(0, separator);
      const key = Buffer.from(entry.slice(separator + 1), 'base64');
      if (key.length !== 32) throw new Error(`SECRETS_KEYS: key "${keyId}" must decode to 32 bytes, got ${key.length}`);
      if (this.keys.has(keyId)) throw new Error(`SECRETS_KEYS: key id "${keyId}" is listed twice`);
      this.keys.set(keyId, key);
    }
    this.currentKeyId = entries[0].slice(0, entries[0].indexOf(':'));
  }

  get encryptionKeyId(): string {
    return this.currentKeyId;
  }

  encrypt(plaintext: string, context: string): SealedSecret {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentKeyId)!, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { keyId: this.currentKeyId, ciphertext: Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64') };
  }

  /** Throws when the key is unknown or the data (or its context) was altered. Never returns garbage. */
  decrypt(sealed: SealedSecret, context: string): string {
    const key = this.keys.get(sealed.keyId);
    if (!key) throw new Error(`secrets were encrypted with key "${sealed.keyId}", which is not in SECRETS_KEYS`);
    const raw = Buffer.from(sealed.ciphertext, 'base64');
    if (raw.length < IV_BYTES + TAG_BYTES) throw new Error('secrets ciphertext is truncated');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new Error(`secrets failed authentication under key "${sealed.keyId}": the ciphertext was altered or belongs to another record`);
    }
  }

  /** True when the value was sealed under an older key and should be re-encrypted on its next write. */
  isStale(sealed: SealedSecret): boolean {
    return sealed.keyId !== this.currentKeyId;
  }
}
