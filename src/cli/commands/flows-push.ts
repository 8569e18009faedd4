import { Command } from 'commander';
import { CliError } from '../cli-error';
import { withSession } from '../command-kit';
import { formatDiffLine } from '../files/flow-diff';
import type { Session } from '../session';
import { type PushAction, pushFlows } from './flow-sync';

interface PushOptions {
  dryRun?: boolean;
  prune?: boolean;
  yes?: boolean;
}

export function flowsPushCommand(): Command {
  return new Command('push')
    .description('Make the team\'s flows match flow files (YAML/JSON, one flow per file, or an ats.flows export document)')
    .argument('<paths...>', 'directories (searched for .yaml, .yml, .json) and/or files')
    .option('--dry-run', 'print what would change, per flow, without writing')
    .option('--prune', 'delete the team\'s flows that no file defines')
    .option('-y, --yes', 'do not ask before deleting (--prune)')
    .addHelpText(
      'after',
      `
Flows are matched by name. A new name is created; an existing flow gets a new version only when its
content changed; resources are referenced by name (step field "resource"). Every file is validated
first: if any has a problem, nothing is pushed (exit 2).

Examples:
  $ ats flows push flows/
  $ ats flows push flows/ --dry-run
  $ ats flows push flows/ --prune --yes
  $ ats flows push flows/orders.yaml flows/payments.yaml`,
    )
    .action(withSession(push));
}

async function push(session: Session, paths: string[], options: PushOptions): Promise<void> {
  const actions = await pushFlows(session, paths, {
    dryRun: options.dryRun,
    prune: options.prune,
    confirmDelete: (names) => confirmDelete(session, names, !!options.yes),
  });
  session.out.json({ dryRun: !!options.dryRun, actions });
  const { colors } = session.out;
  for (const action of actions) session.out.line(describe(action, !!options.dryRun, colors));
  const count = (kind: PushAction['kind']) => actions.filter((a) => a.kind === kind).length;
  session.out.summary(
    `${options.dryRun ? 'Dry run: would push' : 'Pushed'} ${actions.length - count('delete')} flow(s): ${count('create')} created, ${count('update')} updated, ${count('unchanged')} unchanged` +
      (options.prune ? `, ${count('delete')} deleted` : ''),
  );
}

function describe(action: PushAction, dryRun: boolean, colors: Session['out']['colors']): string {
  switch (action.kind) {
    case 'create':
      return `${colors.green('+ create')}  ${action.name}  ${colors.dim(action.file)}${action.version ? `  v${action.version}` : ''}`;
    case 'unchanged':
      return `${colors.dim('= same  ')}  ${action.name}  ${colors.dim(`v${action.version}`)}`;
    case 'delete':
      return `${colors.red('- delete')}  ${action.name}`;
    case 'update': {
      const versions = dryRun || action.version === undefined ? `v${action.fromVersion}` : action.version === action.fromVersion ? `v${action.version} (details only)` : `v${action.fromVersion} → v${action.version}`;
      const head = `${colors.yellow('~ update')}  ${action.name}  ${colors.dim(action.file)}  ${versions}`;
      return dryRun ? [head, ...action.diff.map(formatDiffLine)].join('\n') : head;
    }
  }
}

async function confirmDelete(session: Session, names: string[], yes: boolean): Promise<boolean> {
  if (yes) return true;
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw CliError.usage(`--prune would delete ${names.length} flow(s): ${names.join(', ')}; pass --yes to confirm (no terminal to ask on)`);
  }
  const { default: confirm } = await import('@inquirer/confirm');
  session.out.line(`Flows not in the files: ${names.join(', ')}`);
  return confirm({ message: `Delete ${names.length} flow(s) from the team?`, default: false });
}
