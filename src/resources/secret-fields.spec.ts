import type { SecretField } from './resource-type';
import { mergeSecretUpdate, mergeSecrets, redactSecrets, secretStatus, splitSecrets } from './secret-fields';

const AUTH: SecretField[] = [
  { path: 'password' },
  { path: 'auth.token', appliesWhen: { field: 'auth.type', in: ['bearer'] } },
  { path: 'auth.password', appliesWhen: { field: 'auth.type', in: ['basic'] } },
];

describe('secret fields', () => {
  it('keeps omitted secrets, clears null ones, replaces given ones', () => {
    const stored = { password: 'old-db', 'auth.token': 'old-token' };
    expect(mergeSecretUpdate({ host: 'h', auth: { type: 'bearer' } }, stored, AUTH)).toEqual({
      config: { host: 'h', password: 'old-db', auth: { type: 'bearer', token: 'old-token' } },
      problems: [],
    });
    expect(mergeSecretUpdate({ password: null, auth: { type: 'bearer', token: 'new' } }, stored, AUTH).config).toEqual({ auth: { type: 'bearer', token: 'new' } });
  });

  it('drops a stored secret that no longer applies, and refuses one sent where it does not apply', () => {
    const stored = { 'auth.token': 'old-token' };
    expect(mergeSecretUpdate({ auth: { type: 'basic', username: 'u' } }, stored, AUTH).config).toEqual({ auth: { type: 'basic', username: 'u' } });
    expect(mergeSecretUpdate({ auth: { type: 'basic', token: 'x' } }, {}, AUTH).problems).toEqual([
      { field: 'auth.token', message: 'only allowed when auth.type is bearer' },
    ]);
    // No parent object, no kept secret: removing `auth` removes its secrets.
    expect(mergeSecretUpdate({}, stored, AUTH).config).toEqual({});
  });

  it('splits, merges back and reports status without values', () => {
    const config = { host: 'h', password: 'p', auth: { type: 'bearer', token: 't' } };
    const { publicConfig, secrets } = splitSecrets(config, AUTH);
    expect(publicConfig).toEqual({ host: 'h', auth: { type: 'bearer' } });
    expect(secrets).toEqual({ password: 'p', 'auth.token': 't' });
    expect(mergeSecrets(publicConfig, secrets)).toEqual(config);
    expect(secretStatus(publicConfig, Object.keys(secrets), AUTH)).toEqual({ password: true, 'auth.token': true });
    expect(secretStatus({ auth: { type: 'basic' } }, [], AUTH)).toEqual({ password: false, 'auth.password': false });
  });

  it('redacts secret values from messages', () => {
    expect(redactSecrets('login as bob:hunter2 failed (hunter2)', ['hunter2', 'ab'])).toBe('login as bob:[redacted] failed ([redacted])');
  });
});
