import { AppConfig } from '../../config/app-config';
import { WebhookSecretCipher } from './webhook-secret-cipher';

describe('WebhookSecretCipher', () => {
  const config = Object.assign(new AppConfig(), { SECRETS_KEYS: `new:${Buffer.alloc(32, 7).toString('base64')},old:${Buffer.alloc(32, 9).toString('base64')}` });
  const cipher = new WebhookSecretCipher(config);

  it('round-trips under the first key and never stores the plaintext', () => {
    const sealed = cipher.encrypt('whsec-super-secret', 'hook-1');
    expect(sealed.keyId).toBe('new');
    expect(Buffer.from(sealed.ciphertext, 'base64').toString('utf8')).not.toContain('whsec-super-secret');
    expect(cipher.decrypt(sealed, 'hook-1')).toBe('whsec-super-secret');
  });

  it('refuses a ciphertext moved to another webhook or altered', () => {
    const sealed = cipher.encrypt('whsec-super-secret', 'hook-1');
    expect(() => cipher.decrypt(sealed, 'hook-2')).toThrow(/authentication/);
    const raw = Buffer.from(sealed.ciphertext, 'base64');
    raw[14] ^= 1;
    expect(() => cipher.decrypt({ ...sealed, ciphertext: raw.toString('base64') }, 'hook-1')).toThrow(/authentication/);
  });

  it('decrypts with an older key after rotation', () => {
    const old = new WebhookSecretCipher(Object.assign(new AppConfig(), { SECRETS_KEYS: `old:${Buffer.alloc(32, 9).toString('base64')}` }));
    expect(cipher.decrypt(old.encrypt('s3cret-value-1234', 'h'), 'h')).toBe('s3cret-value-1234');
  });
});
