import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { CliError } from './cli-error';

/** What `ats login` remembers for one profile. Either `apiKey`, or the token pair of an email/password login. */
export interface StoredProfile {
  url: string;
  apiKey?: string;
  accessToken?: string;
  /** Epoch ms after which the access token is refreshed before use. */
  accessTokenExpiresAt?: number;
  refreshToken?: string;
  email?: string;
  /** Team id chosen at login (`--team`), used when neither `--team` nor ATS_TEAM is given. */
  team?: string;
}

export interface StoredConfig {
  profiles: Record<string, StoredProfile>;
}

/**
 * `$XDG_CONFIG_HOME/ats/config.json`, else `~/.config/ats/config.json`. The environment is passed in
 * (not read here) so tests and the CLI's one env reader decide it.
 */
export function configPath(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CONFIG_HOME?.trim() || join(env.HOME?.trim() || homedir(), '.config');
  return join(base, 'ats', 'config.json');
}

/** The config file holds credentials: directory 0700, file 0600, written atomically (temp file + rename). */
export class ConfigStore {
  constructor(readonly path: string) {}

  read(): StoredConfig {
    if (!existsSync(this.path)) return { profiles: {} };
    try {
      const parsed = JSON.parse(readFileSync(this.path, 'utf8')) as Partial<StoredConfig>;
      return { profiles: parsed.profiles && typeof parsed.profiles === 'object' ? parsed.profiles : {} };
    } catch (error) {
      throw CliError.usage(`cannot read ${this.path}: ${(error as Error).message}; fix or delete it and run ats login again`);
    }
  }

  profile(name: string): StoredProfile | undefined {
    return this.read().profiles[name];
  }

  saveProfile(name: string, profile: StoredProfile): void {
    const config = this.read();
    config.profiles[name] = profile;
    this.write(config);
  }

  removeProfile(name: string): boolean {
    const config = this.read();
    if (!config.profiles[name]) return false;
    delete config.profiles[name];
    this.write(config);
    return true;
  }

  private write(config: StoredConfig): void {
    const dir = dirname(this.path);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700); // an existing directory keeps its mode otherwise
    const temp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
    chmodSync(temp, 0o600); // the umask may have narrowed it further, never widened; make it exact
    renameSync(temp, this.path);
  }
}
