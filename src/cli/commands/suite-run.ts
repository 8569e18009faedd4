import { Command, Option } from 'commander';
import { CliError, EXIT, type ExitCode } from '../cli-error';
import { collectVariable, positiveInt, withSession } from '../command-kit';
import { SuiteRunFollower, type SuiteRunView } from '../live/suite-run-follower';
import { formatVerdict } from '../live/step-lines';
import type { Session } from '../session';
import { saveReports } from './report-files';
import { listAll } from './team-catalog';

interface SuiteRunOptions {
  var?: Array<{ name: string; value: string }>;
  wait?: boolean;
  junit?: string;
  json?: string;
  timeout: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function suiteRunCommand(): Command {
  return new Command('run')
    .description('Run a test suite and, with --wait, follow it live; the exit code is its outcome')
    .argument('<suite>', 'suite name or id')
    .option('--var <name=value>', 'a value for this run only, overriding suite and entry variables (repeatable)', collectVariable)
    .option('--wait', 'follow the run until it ends')
    .option('--junit <file>', 'write the JUnit XML report (implies --wait)')
    .option('--json <file>', 'write the JSON report (implies --wait)')
    .addOption(new Option('--timeout <seconds>', 'give up waiting after this long (exit 3; the run goes on)').default(1800).argParser(positiveInt))
    .addHelpText(
      'after',
      `
Examples:
  $ ats suite run "Checkout regression" --wait --junit junit.xml
  $ ats suite run Smoke --var baseUrl=https://review-42.example.com --wait`,
    )
    .action(withSession(runSuite));
}

async function runSuite(session: Session, suiteArg: string, options: SuiteRunOptions): Promise<ExitCode> {
  const client = session.client();
  const teamPath = await session.teamPath();
  const deadline = Date.now() + options.timeout * 1000;
  const suiteId = UUID.test(suiteArg) ? suiteArg : await suiteIdByName(session, teamPath, suiteArg);
  const started = await client.post<SuiteRunView>(`${teamPath}/suites/${suiteId}/run`, {
    ...(options.var?.length && { variables: options.var }),
  });
  if (!(options.wait || options.junit || options.json)) {
    session.out.json(started);
    session.out.summary(`Started ${started.suiteName}: suite run ${started.id}`);
    return EXIT.passed;
  }
  session.out.line(`${session.out.colors.bold(started.suiteName)}  ${session.out.colors.dim(`suite run ${started.id}`)}`);
  const final = await new SuiteRunFollower(client, session.out, teamPath, started.id).follow(deadline);
  await saveReports(session, `${teamPath}/suite-runs/${final.id}`, options);
  session.out.json(final);
  const { passed, failed, cancelled } = final.counts;
  session.out.summary(formatVerdict(final.suiteName, final.status, final.durationMs, { passed, failed, cancelled }, session.out.colors));
  return final.outcome === 'passed' ? EXIT.passed : EXIT.failed;
}

async function suiteIdByName(session: Session, teamPath: string, name: string): Promise<string> {
  const suites = await listAll<{ id: string; name: string }>(session.client(), `${teamPath}/suites`, { q: name });
  const exact = suites.filter((s) => s.name === name);
  if (exact.length === 1) return exact[0].id;
  throw CliError.usage(exact.length ? `several suites are named "${name}": pass the id` : `no suite named "${name}" in the team`);
}
