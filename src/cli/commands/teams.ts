import { Command } from 'commander';
import { withSession } from '../command-kit';
import type { Session, TeamSummary } from '../session';

export function teamsCommand(): Command {
  return new Command('teams')
    .description('List the teams you can act on, with your role (an API key sees its own team)')
    .addHelpText('after', '\nExample:\n  $ ats teams\n  $ ats teams --output json')
    .action(withSession(listTeams));
}

async function listTeams(session: Session): Promise<void> {
  const teams = await session.client().get<TeamSummary[]>('/teams');
  session.out.json(teams);
  const current = session.options.team ?? session.env.team ?? session.store.profile(session.profileName)?.team;
  const width = Math.max(4, ...teams.map((t) => t.name.length));
  for (const t of teams) {
    const marker = current && (current === t.id || current.toLowerCase() === t.name.toLowerCase()) ? '*' : ' ';
    session.out.summary(`${marker} ${t.name.padEnd(width)}  ${t.role.padEnd(6)}  ${t.id}  ${session.out.colors.dim(`org ${t.orgId}`)}`);
  }
  if (!teams.length) session.out.summary('No teams yet.');
}
