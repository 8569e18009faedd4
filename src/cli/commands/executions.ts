import { Command, Option } from 'commander';
import { CliError, EXIT, type ExitCode } from '../cli-error';
import { positiveInt, withSession } from '../command-kit';
import { type ExecutionView, FINAL_EXECUTION_STATUSES } from '../live/execution-follower';
import { formatDuration, formatFailedAssertions, formatStepFinished, formatVerdict } from '../live/step-lines';
import type { Session } from '../session';
import { flowsByName } from './team-catalog';

interface ListOptions {
  flow?: string;
  status?: string;
  limit: number;
}

/** `ats executions list|show|cancel`: the team's run history. */
export function executionsCommand(): Command {
  const executions = new Command('executions').description('List, inspect and cancel executions');
  executions
    .command('list')
    .description('Latest executions, newest first')
    .option('--flow <name>', 'only runs of this flow')
    .addOption(new Option('--status <status>', 'only this status').choices(['PENDING', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLED']))
    .addOption(new Option('--limit <n>', 'how many (at most 100)').default(20).argParser(positiveInt))
    .addHelpText('after', '\nExample:\n  $ ats executions list --flow "Create order" --status FAILED')
    .action(withSession(list));
  executions
    .command('show')
    .description('One execution with its steps and failed assertions')
    .argument('<executionId>')
    .addHelpText('after', '\nExample:\n  $ ats executions show 0b7d5a1e-…')
    .action(withSession(show));
  executions
    .command('cancel')
    .description('Cancel a queued or running execution')
    .argument('<executionId>')
    .action(withSession(cancel));
  return executions;
}

interface ExecutionSummary {
  id: string;
  flowName: string;
  flowVersion: number;
  status: string;
  trigger: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

async function list(session: Session, options: ListOptions): Promise<void> {
  const teamPath = await session.teamPath();
  let flowId: string | undefined;
  if (options.flow) {
    flowId = (await flowsByName(session.client(), teamPath)).get(options.flow)?.id;
    if (!flowId) throw CliError.usage(`no flow named "${options.flow}" in the team`);
  }
  const page = await session.client().get<{ items: ExecutionSummary[]; total: number }>(`${teamPath}/executions`, {
    query: { flowId, status: options.status, pageSize: Math.min(options.limit, 100) },
  });
  session.out.json(page);
  for (const e of page.items) {
    const took = e.startedAt && e.finishedAt ? formatDuration(Date.parse(e.finishedAt) - Date.parse(e.startedAt)) : '';
    session.out.summary(`${e.id}  ${e.status.padEnd(11)}  ${e.createdAt}  ${e.flowName} v${e.flowVersion}  ${session.out.colors.dim(`${e.trigger} ${took}`)}`);
  }
  if (!page.items.length) session.out.summary('No executions.');
}

async function show(session: Session, id: string): Promise<ExitCode> {
  const execution = await session.client().get<ExecutionView>(`${await session.teamPath()}/executions/${id}`);
  session.out.json(execution);
  const { colors } = session.out;
  session.out.summary(`${colors.bold(execution.flowName)} v${execution.flowVersion}  ${colors.dim(execution.id)}`);
  for (const step of [...execution.steps].sort((a, b) => a.stepIndex - b.stepIndex)) {
    session.out.summary(formatStepFinished(step, colors));
    for (const line of formatFailedAssertions(step.assertions ?? [], colors)) session.out.summary(line);
  }
  const took = execution.startedAt && execution.finishedAt ? Date.parse(execution.finishedAt) - Date.parse(execution.startedAt) : null;
  session.out.summary(formatVerdict(execution.flowName, execution.status, took, {}, colors));
  if (!FINAL_EXECUTION_STATUSES.has(execution.status)) return EXIT.passed;
  return execution.status === 'COMPLETED' ? EXIT.passed : EXIT.failed;
}

async function cancel(session: Session, id: string): Promise<void> {
  const execution = await session.client().post<ExecutionView>(`${await session.teamPath()}/executions/${id}/cancel`);
  session.out.json(execution);
  session.out.summary(`${execution.id}  ${execution.status}`);
}
