import { ApiClient, type Credentials } from './api-client';
import { CliError } from './cli-error';
import type { CliEnvironment } from './cli-env';
import { ConfigStore, configPath } from './config-store';
import { Output, type OutputFormat } from './output';

/** The global flags every command accepts (commander's merged options). */
export interface GlobalOptions {
  url?: string;
  team?: string;
  profile: string;
  apiKey?: string;
  color: boolean;
  output: OutputFormat;
  quiet?: boolean;
}

export interface TeamSummary {
  id: string;
  orgId: string;
  name: string;
  role: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * What a command works with once the global flags, the environment and the stored profile are merged:
 * flags win over ATS_* variables, which win over the profile written by `ats login`.
 */
export class Session {
  readonly out: Output;
  readonly store: ConfigStore;

  constructor(
    readonly options: GlobalOptions,
    readonly env: CliEnvironment,
    interactive = !!process.stdout.isTTY,
  ) {
    this.store = new ConfigStore(configPath(env.configPathEnv));
    this.out = new Output(options.output, !!options.quiet, options.color && !env.noColor && interactive, interactive);
  }

  private cachedClient?: ApiClient;
  private cachedTeam?: string;

  get profileName(): string {
    return this.options.profile;
  }

  /** The client for the configured service; exit 2 when no URL is known. */
  client(): ApiClient {
    if (this.cachedClient) return this.cachedClient;
    const profile = this.store.profile(this.profileName);
    const url = this.options.url ?? this.env.url ?? profile?.url;
    if (!url) throw CliError.usage('no service URL: run ats login <url>, or pass --url / set ATS_URL');
    const apiKey = this.options.apiKey ?? this.env.apiKey;
    let credentials: Credentials = { kind: 'none' };
    if (apiKey) credentials = { kind: 'apiKey', apiKey };
    else if (profile?.apiKey) credentials = { kind: 'apiKey', apiKey: profile.apiKey };
    else if (profile?.refreshToken) credentials = { kind: 'tokens', profileName: this.profileName, store: this.store, profile };
    else throw CliError.usage(`not logged in (profile "${this.profileName}")`, ['run: ats login <url>  (or set ATS_API_KEY and ATS_URL)']);
    this.cachedClient = new ApiClient(normalizeServiceUrl(url), credentials);
    return this.cachedClient;
  }

  /**
   * The team id to act on: `--team` / ATS_TEAM / the profile's team, each an id or a name (names are
   * looked up in GET /teams); with none, the only team the credentials can reach.
   */
  async teamId(): Promise<string> {
    if (this.cachedTeam) return this.cachedTeam;
    const wanted = this.options.team ?? this.env.team ?? this.store.profile(this.profileName)?.team;
    this.cachedTeam = await resolveTeam(this.client(), wanted);
    return this.cachedTeam;
  }

  /** `/teams/<id>`: the prefix of every team-scoped route. */
  async teamPath(): Promise<string> {
    return `/teams/${await this.teamId()}`;
  }
}

export async function resolveTeam(client: ApiClient, wanted: string | undefined): Promise<string> {
  if (wanted && UUID.test(wanted)) return wanted;
  const teams = await client.get<TeamSummary[]>('/teams');
  if (wanted) {
    const matches = teams.filter((t) => t.name.toLowerCase() === wanted.toLowerCase());
    if (matches.length === 1) return matches[0].id;
    const known = teams.map((t) => `${t.name} (${t.id})`).join(', ') || 'none';
    throw CliError.usage(
      matches.length ? `several teams are named "${wanted}": pass the team id` : `no team "${wanted}" among your teams: ${known}`,
    );
  }
  if (teams.length === 1) return teams[0].id;
  throw CliError.usage(
    teams.length ? 'you are in several teams: pass --team <id|name> or set ATS_TEAM' : 'you are in no team yet',
    teams.map((t) => `  ${t.name}  ${t.id}  (${t.role})`),
  );
}

/** Accepts `http://host:3000`, `http://host:3000/` and `http://host:3000/api/v1`; answers the origin (+ path prefix). */
export function normalizeServiceUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw CliError.usage(`not a URL: ${raw} (expected e.g. http://localhost:3000)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw CliError.usage(`the URL must start with http:// or https://: ${raw}`);
  const path = url.pathname.replace(/\/+$/, '').replace(/\/api\/v1$/, '');
  return `${url.origin}${path}`;
}
