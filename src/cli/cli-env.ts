/**
 * The CLI is its own program (it never boots the service), so it reads its few environment settings
 * here, in one place, instead of through src/config.
 */
export interface CliEnvironment {
  url?: string;
  apiKey?: string;
  team?: string;
  noColor: boolean;
  configPathEnv: NodeJS.ProcessEnv;
}

export function readCliEnvironment(env: NodeJS.ProcessEnv = process.env): CliEnvironment {
  const value = (name: string) => env[name]?.trim() || undefined;
  return {
    url: value('ATS_URL'),
    apiKey: value('ATS_API_KEY'),
    team: value('ATS_TEAM'),
    // https://no-color.org: any non-empty value disables colour.
    noColor: !!env.NO_COLOR,
    configPathEnv: { XDG_CONFIG_HOME: env.XDG_CONFIG_HOME, HOME: env.HOME },
  };
}
