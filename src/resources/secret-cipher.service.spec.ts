import { randomBytes } from 'node:crypto';
import { loadConfig } from '../config/load-config';
import { SecretCipher } from './secret-cipher.service';

const key = () => randomBytes(32).toString('base64');
const cipherWith = (keys: string) => new SecretCipher(loadConfig({ NODE_ENV: 'test', SECRETS_KEYS: keys }));

describe('SecretCipher', () => {
  const k1 = `k1:${key()}`;
  const k2 = `k2:${key()}`;

  it('round-trips and never leaves the plaintext in the ciphertext', () => {
    const cipher = cipherWith(k1);
    const plaintext = JSON.stringify({ password: 'hunter2-very-secret' });
    const sealed = cipher.encrypt(plaintext, 'resource:1');
    expect(sealed.keyId).toBe('k1');
    expect(sealed.ciphertext).not.toContain('hunter2');
    expect(Buffer.from(sealed.ciphertext, 'base64').toString('latin1')).not.toContain('hunter2');
    expect(cipher.decrypt(sealed, 'resource:1')).toBe(plaintext);
  });

  it('uses a fresh IV: the same plaintext encrypts differently each time', () => {
    const cipher = cipherWith(k1);
    expect(cipher.encrypt('same', 'c').ciphertext).not.toBe(cipher.encrypt('same', 'c').ciphertext);
  });

  it('rotates: a new first key encrypts, the old one still decrypts, and stale rows are recognised', () => {
    const old = cipherWith(k1).encrypt('secret', 'ctx');
    const rotated = cipherWith(`${k2},${k1}`);
    expect(rotated.decrypt(old, 'ctx')).toBe('secret');
    expect(rotated.isStale(old)).toBe(true);
    const fresh = rotated.encrypt('secret', 'ctx');
    expect(fresh.keyId).toBe('k2');
    expect(rotated.isStale(fresh)).toBe(false);
    // Once the old key is removed, its rows no longer open — with a message naming the key.
    expect(() => cipherWith(k2).decrypt(old, 'ctx')).toThrow('key "k1", which is not in SECRETS_KEYS');
  });

  it('detects tampering with the ciphertext, the tag, the IV and the context', () => {
    const cipher = cipherWith(k1);
    const sealed = cipher.encrypt('{"password":"abc"}', 'resource:1');
    const raw = Buffer.from(sealed.ciphertext, 'base64');
    for (const index of [0, 12, raw.length - 1]) {
      const altered = Buffer.from(raw);
      altered[index] ^= 0x01;
      expect(() => cipher.decrypt({ ...sealed, ciphertext: altered.toString('base64') }, 'resource:1')).toThrow('failed authentication');
    }
    expect(() => cipher.decrypt(sealed, 'resource:2')).toThrow('failed authentication');
    expect(() => cipher.decrypt({ ...sealed, ciphertext: raw.subarray(0, 10).toString('base64') }, 'resource:1')).toThrow('truncated');
  });

  it('refuses a key that is not 32 bytes and a duplicate key id', () => {
    expect(() => cipherWith(`a:${randomBytes(31).toString('base64')}`)).toThrow('must decode to 32 bytes, got 31');
    expect(() => cipherWith(`${k1},${k1}`)).toThrow('listed twice');
  });
});
