import type { SecretField } from './resource-type';
import { getPath, joinPath, maskSecrets, MASKED, mergeSecretUpdate, mergeSecrets, pathSegments, plainSecretsIn, secretFieldsOf, secretStatus, splitSecrets } from './secret-fields';

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
      kept: ['password', 'auth.token'],
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

  it('reports which secrets an update kept from storage', () => {
    expect(mergeSecretUpdate({ password: 'new', auth: { type: 'bearer' } }, { password: 'old', 'auth.token': 't' }, AUTH).kept).toEqual(['auth.token']);
  });

  it('escapes dots in path segments, so a header named X.Trace is one segment', () => {
    const path = joinPath('headers', 'X.Trace~1');
    expect(path).toBe('headers.X~1Trace~01');
    expect(pathSegments(path)).toEqual(['headers', 'X.Trace~1']);
    expect(getPath({ headers: { 'X.Trace~1': 'v' } }, path)).toBe('v');
    expect(pathSegments('sasl.password')).toEqual(['sasl', 'password']);
  });

  it('derives fields from the config with a function, given an object even for a config that is not one', () => {
    const derive = (config: Record<string, unknown>): SecretField[] => Object.keys(config).map((key) => ({ path: key }));
    expect(secretFieldsOf(derive, { a: 1 })).toEqual([{ path: 'a' }]);
    expect(secretFieldsOf(derive, null)).toEqual([]);
    expect(secretFieldsOf(AUTH, null)).toBe(AUTH);
  });

  describe('masked fields', () => {
    const mask = (v: string) => v.replace(/token=[^&]*/, `token=${MASKED}`);
    const FIELDS: SecretField[] = [{ path: 'url', mask }, { path: 'headers.Cookie', mask: () => MASKED }];

    it('stay in the public config as their mask; the secrets hold the values', () => {
      const { publicConfig, secrets } = splitSecrets({ url: 'http://h/?token=abc', headers: { Cookie: 'c=1', Accept: 'x' } }, FIELDS);
      expect(publicConfig).toEqual({ url: `http://h/?token=${MASKED}`, headers: { Cookie: MASKED, Accept: 'x' } });
      expect(secrets).toEqual({ url: 'http://h/?token=abc', 'headers.Cookie': 'c=1' });
      expect(secretStatus(publicConfig, Object.keys(secrets), FIELDS)).toEqual({ url: true, 'headers.Cookie': true });
    });

    it('keep the stored value when sent back as masked, take a new value, refuse placeholders of nothing stored', () => {
      const stored = { url: 'http://h/?token=abc', 'headers.Cookie': 'c=1' };
      expect(mergeSecretUpdate({ url: `http://h/?token=${MASKED}`, headers: { Cookie: MASKED } }, stored, FIELDS)).toEqual({
        config: { url: 'http://h/?token=abc', headers: { Cookie: 'c=1' } },
        problems: [],
        kept: ['url', 'headers.Cookie'],
      });
      expect(mergeSecretUpdate({ url: 'http://h/?token=new' }, stored, FIELDS)).toEqual({ config: { url: 'http://h/?token=new' }, problems: [], kept: [] });
      expect(mergeSecretUpdate({ url: 'http://h/?token=abc' }, {}, FIELDS).problems).toEqual([]);
      expect(mergeSecretUpdate({ headers: { Cookie: MASKED } }, {}, FIELDS).problems).toEqual([
        { field: 'headers.Cookie', message: `holds ${MASKED} placeholders of a value that is not stored; send the value itself` },
      ]);
    });

    it('of old rows stored in the clear are found, and masked in responses', () => {
      const old = { url: 'http://h/?token=abc', headers: { Cookie: 'c=1' } };
      expect(plainSecretsIn(old, FIELDS)).toEqual({ url: 'http://h/?token=abc', 'headers.Cookie': 'c=1' });
      expect(plainSecretsIn(maskSecrets(old, FIELDS), FIELDS)).toEqual({});
      expect(maskSecrets(old, FIELDS)).toEqual({ url: `http://h/?token=${MASKED}`, headers: { Cookie: MASKED } });
    });
  });
});
