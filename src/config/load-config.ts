import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { parseEgressList } from '../egress/egress-policy';
import { AppConfig, DEV_JWT_SECRET, DEV_SECRETS_KEY } from './app-config';

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

const KNOWN_KEYS = Object.keys(new AppConfig()).filter((key) => /^[A-Z0-9_]+$/.test(key));

/** Builds the validated configuration from an environment; throws ConfigValidationError naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const raw: Record<string, string> = {};
  for (const key of KNOWN_KEYS) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const config = plainToInstance(AppConfig, raw, { exposeDefaultValues: true });
  const problems = validateSync(config, { forbidUnknownValues: true }).flatMap(describe);
  // The built-in secrets are public (they are in this repository): only a run that says it is a
  // development or test run may use them; a forgotten NODE_ENV must not mean "development".
  if (raw.NODE_ENV !== 'development' && raw.NODE_ENV !== 'test') {
    const hint = 'set a real one, or NODE_ENV=development for a local run';
    if (config.JWT_SECRET === DEV_JWT_SECRET) problems.push(`JWT_SECRET: the built-in development secret is refused unless NODE_ENV is development or test; ${hint}`);
    if (config.SECRETS_KEYS === DEV_SECRETS_KEY) problems.push(`SECRETS_KEYS: the built-in development key is refused unless NODE_ENV is development or test; ${hint}`);
  }
  problems.push(...parseEgressList('EGRESS_ALLOW', config.EGRESS_ALLOW).problems, ...parseEgressList('EGRESS_DENY', config.EGRESS_DENY).problems);
  config.EGRESS_DEFAULT ??= config.NODE_ENV === 'production' ? 'deny-private' : 'allow';
  if (problems.length) throw new ConfigValidationError(problems);
  for (const name of config.FLOW_ENV_ALLOWLIST.split(',').map((n) => n.trim()).filter(Boolean)) {
    const value = env[name];
    if (value !== undefined) config.flowEnvValues[name] = value;
  }
  return config;
}

function describe(error: ValidationError): string[] {
  const constraints = Object.values(error.constraints ?? {});
  return constraints.map((message) => (message.startsWith(error.property) ? message : `${error.property}: ${message}`));
}
