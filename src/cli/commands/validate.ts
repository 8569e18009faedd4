import { Command } from 'commander';
import { EXIT, type ExitCode } from '../cli-error';
import { withSession } from '../command-kit';
import type { Session } from '../session';
import { checkFlowFiles, printProblems } from './flow-sync';

export function validateCommand(): Command {
  return new Command('validate')
    .description('Validate flow files with the service\'s own rules (nothing is saved)')
    .argument('<paths...>', 'directories and/or flow files')
    .addHelpText(
      'after',
      `
Problems are printed as file:line:col: /json/pointer message; the exit code is 2 when there are any.

Example:
  $ ats validate flows/
  flows/orders.yaml:12:9: /steps/1/config/url url must be a URL address`,
    )
    .action(withSession(validate));
}

async function validate(session: Session, paths: string[]): Promise<ExitCode> {
  const { checked, problems } = await checkFlowFiles(session, paths);
  session.out.json({ valid: problems.length === 0, flows: checked.map((c) => ({ name: c.local.name, file: c.local.file })), problems });
  for (const c of checked) session.out.line(`${session.out.colors.green('✓')} ${c.local.name}  ${session.out.colors.dim(c.local.file)}`);
  if (session.out.format !== 'json') printProblems(session, problems);
  session.out.summary(problems.length ? `${problems.length} problem(s); ${checked.length} flow(s) valid` : `${checked.length} flow(s) valid`);
  return problems.length ? EXIT.usage : EXIT.passed;
}
