import { Command } from 'commander';
import { ApiClient, type TokenPair, withTokens } from '../api-client';
import { CliError } from '../cli-error';
import { withSession } from '../command-kit';
import type { StoredProfile } from '../config-store';
import { normalizeServiceUrl, resolveTeam, type Session, type TeamSummary } from '../session';

interface LoginOptions {
  email?: string;
  passwordStdin?: boolean;
}

export function loginCommand(): Command {
  return new Command('login')
    .description('Sign in to a service and remember it in the profile (API key, or email and password)')
    .argument('<url>', 'the service, e.g. http://localhost:3000')
    .option('--email <email>', 'sign in with this email (the password is prompted, or read with --password-stdin)')
    .option('--password-stdin', 'read the password from standard input (scripts)')
    .addHelpText(
      'after',
      `
Examples:
  $ ats login http://localhost:3000 --api-key ats_0123456789ab_...   # a team API key (CI)
  $ ats login http://localhost:3000 --email ada@example.com         # password prompted
  $ echo "$PASSWORD" | ats login https://ats.example.com --email ada@example.com --password-stdin
  $ ats login https://ats.example.com --profile staging --team Payments

Stored in $XDG_CONFIG_HOME/ats/config.json (or ~/.config/ats/config.json), mode 0600.`,
    )
    .action(withSession(login));
}

async function login(session: Session, rawUrl: string, options: LoginOptions): Promise<void> {
  const url = normalizeServiceUrl(rawUrl);
  const apiKey = session.options.apiKey ?? session.env.apiKey;
  let profile: StoredProfile;
  let client: ApiClient;
  if (apiKey && !options.email) {
    profile = { url, apiKey };
    client = new ApiClient(url, { kind: 'apiKey', apiKey });
  } else {
    const email = options.email ?? (await promptEmail());
    const password = options.passwordStdin ? await readStdin() : await promptPassword();
    if (!password) throw CliError.usage('empty password');
    const pair = await new ApiClient(url, { kind: 'none' }).post<TokenPair>('/auth/login', { email, password });
    profile = withTokens({ url, email }, pair);
    client = new ApiClient(url, { kind: 'tokens', profileName: session.profileName, store: session.store, profile });
  }
  // Proves the credentials before they are stored, and finds the team a name refers to.
  const teams = await client.get<TeamSummary[]>('/teams');
  const wanted = session.options.team ?? session.env.team;
  if (wanted) profile.team = await resolveTeam(client, wanted);
  else if (teams.length === 1) profile.team = teams[0].id;
  session.store.saveProfile(session.profileName, profile);
  const team = teams.find((t) => t.id === profile.team);
  session.out.summary(
    `Logged in to ${url} as ${profile.email ?? 'API key'} (profile "${session.profileName}")` +
      (team ? `, team ${team.name}` : teams.length > 1 ? `; ${teams.length} teams: pass --team or set ATS_TEAM, see ats teams` : ''),
  );
  session.out.json({ url, profile: session.profileName, team: profile.team ?? null, configPath: session.store.path });
}

async function promptEmail(): Promise<string> {
  if (!process.stdin.isTTY) throw CliError.usage('pass --api-key <key> or --email <email> (no terminal to prompt on)');
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const email = (await rl.question('Email: ')).trim();
    if (!email) throw CliError.usage('an email is needed');
    return email;
  } finally {
    rl.close();
  }
}

async function promptPassword(): Promise<string> {
  if (!process.stdin.isTTY) throw CliError.usage('no terminal to prompt for the password: use --password-stdin');
  // ESM-only package: loaded when needed, so the rest of the CLI starts without it.
  const { default: password } = await import('@inquirer/password');
  return password({ message: 'Password', mask: '*' });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
  // A trailing newline from echo/printf is not part of the password.
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}
