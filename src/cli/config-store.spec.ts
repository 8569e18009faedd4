import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigStore, configPath } from './config-store';

describe('ConfigStore', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ats-config-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('prefers XDG_CONFIG_HOME, else ~/.config', () => {
    expect(configPath({ XDG_CONFIG_HOME: '/x', HOME: '/h' })).toBe('/x/ats/config.json');
    expect(configPath({ HOME: '/h' })).toBe('/h/.config/ats/config.json');
  });

  it('writes the file 0600 in a 0700 directory, per profile', () => {
    const store = new ConfigStore(join(dir, 'ats', 'config.json'));
    store.saveProfile('default', { url: 'http://a', apiKey: 'ats_x' });
    store.saveProfile('staging', { url: 'http://b', refreshToken: 'r' });
    expect(statSync(store.path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'ats')).mode & 0o777).toBe(0o700);
    expect(store.profile('default')).toEqual({ url: 'http://a', apiKey: 'ats_x' });
    expect(store.removeProfile('staging')).toBe(true);
    expect(store.read().profiles).toEqual({ default: { url: 'http://a', apiKey: 'ats_x' } });
  });
});
