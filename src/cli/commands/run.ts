import { existsSync, readFileSync, statSync } from 'node:fs';
import { Command, Option } from 'commander';
import { CliError, EXIT, type ExitCode } from '../cli-error';
import { collectVariable, positiveInt, withSession } from '../command-kit';
import { FLOW_FILE_EXTENSIONS } from '../files/flow-files';
import { type ExecutionView, ExecutionFollower } from '../live/execution-follower';
import { formatVerdict } from '../live/step-lines';
import type { Session } from '../session';
import { pushFlows } from './flow-sync';
import { saveReports } from './report-files';
import { flowsByName } from './team-catalog';

/** Rows one `--data` file may hold: the service's batch limit (RUN_BATCH_MAX). */
const MAX_DATA_ROWS = 100;

interface RunOptions {
  var?: Array<{ name: string; value: string }>;
  data?: string;
  wait?: boolean;
  junit?: string;
  json?: string;
  timeout: number;
}

export function runCommand(): Command {
  return new Command('run')
    .description('Run a flow (by name, or from a file that is pushed first) and, with --wait, follow it live')
    .argument('<flow>', 'a flow name of the team, or a flow file (.yaml, .yml, .json)')
    .option('--var <name=value>', 'a run variable (repeatable)', collectVariable)
    .option('--data <file>', `a JSON file holding an array of rows, each an object of variables: one run per row (up to ${MAX_DATA_ROWS}), queued in one request`)
    .option('--wait', 'follow the run until it ends; the exit code is its verdict')
    .option('--junit <file>', 'write the JUnit XML report (implies --wait)')
    .option('--json <file>', 'write the JSON report (implies --wait)')
    .addOption(new Option('--timeout <seconds>', 'give up waiting after this long (exit 3; the run goes on)').default(600).argParser(positiveInt))
    .addHelpText(
      'after',
      `
A file argument is pushed first (created or updated by name, a new version only when it changed)
and then its latest version runs: what ran is always a saved version you can open in the UI.

Exit codes: 0 COMPLETED, 1 FAILED or CANCELLED, 2 usage/config error, 3 service unreachable or --timeout.

Examples:
  $ ats run "Create order" --wait
  $ ats run flows/create-order.yaml --var baseUrl=http://localhost:8080 --wait --junit junit.xml
  $ ats run "Create order" --output json --wait > execution.json
  $ ats run "Price check" --data skus.json --wait     # skus.json: [{"sku": "A-1"}, {"sku": "B-2", "qty": 3}]

With --data, --var values go to every run (a row's own value wins), and --wait follows each run in
turn: exit 0 only when every run COMPLETED. (--junit and --json take a single run.)`,
    )
    .action(withSession(run));
}

async function run(session: Session, flowArg: string, options: RunOptions): Promise<ExitCode> {
  const client = session.client();
  const teamPath = await session.teamPath();
  const deadline = Date.now() + options.timeout * 1000;
  const rows = options.data === undefined ? undefined : readDataRows(options.data);
  if (rows && (options.junit || options.json)) throw CliError.usage('--junit and --json report one run; leave them out with --data');
  const flowId = isFlowFile(flowArg) ? await pushedFlowId(session, flowArg) : await flowIdByName(session, flowArg);
  if (rows) return runRows(session, flowId, rows, options, deadline);
  const execution = await client.post<ExecutionView>(`${teamPath}/flows/run`, {
    flowId,
    variables: (options.var ?? []).map((v) => ({ name: v.name, value: v.value })),
  });
  const wait = options.wait || !!options.junit || !!options.json;
  if (!wait) {
    session.out.json(execution);
    session.out.summary(`Queued ${execution.flowName} v${execution.flowVersion}: execution ${execution.id}`);
    return EXIT.passed;
  }
  session.out.line(`${session.out.colors.bold(execution.flowName)} v${execution.flowVersion}  ${session.out.colors.dim(`execution ${execution.id}`)}`);
  const final = await new ExecutionFollower(client, session.out, teamPath, execution.id).follow(deadline);
  await saveReports(session, `${teamPath}/executions/${execution.id}`, options);
  session.out.json(final);
  const counts = { passed: 0, failed: 0, skipped: 0, cancelled: 0 };
  for (const s of final.steps) {
    if (s.status === 'SUCCESS') counts.passed++;
    else if (s.status === 'ERROR') counts.failed++;
    else if (s.status === 'SKIPPED') counts.skipped++;
    else if (s.status === 'CANCELLED') counts.cancelled++;
  }
  const took = final.startedAt && final.finishedAt ? Date.parse(final.finishedAt) - Date.parse(final.startedAt) : null;
  session.out.summary(formatVerdict(final.flowName, final.status, took, counts, session.out.colors));
  if (final.error && final.status !== 'COMPLETED') session.out.summary(`  ${final.error}`);
  return final.status === 'COMPLETED' ? EXIT.passed : EXIT.failed;
}

/** One run per row, queued in one request (POST …/flows/run-batch); with --wait each is followed in turn. */
async function runRows(session: Session, flowId: string, rows: Array<Record<string, unknown>>, options: RunOptions, deadline: number): Promise<ExitCode> {
  const client = session.client();
  const teamPath = await session.teamPath();
  const shared = Object.fromEntries((options.var ?? []).map((v) => [v.name, v.value]));
  const runs = rows.map((row) => ({ variables: Object.entries({ ...shared, ...row }).map(([name, value]) => ({ name, value })) }));
  const executions = await client.post<ExecutionView[]>(`${teamPath}/flows/run-batch`, { flowId, runs });
  const first = executions[0];
  if (!(options.wait ?? false)) {
    session.out.json(executions);
    session.out.summary(`Queued ${executions.length} runs of ${first.flowName} v${first.flowVersion}: executions ${executions.map((e) => e.id).join(', ')}`);
    return EXIT.passed;
  }
  const finals: ExecutionView[] = [];
  for (const [i, execution] of executions.entries()) {
    session.out.line(`${session.out.colors.bold(execution.flowName)} v${execution.flowVersion}  row ${i + 1}/${executions.length}  ${session.out.colors.dim(`execution ${execution.id}`)}`);
    finals.push(await new ExecutionFollower(client, session.out, teamPath, execution.id).follow(deadline));
  }
  session.out.json(finals);
  const completed = finals.filter((e) => e.status === 'COMPLETED').length;
  const failedRows = finals.flatMap((e, i) => (e.status === 'COMPLETED' ? [] : [`row ${i + 1}: ${e.status}${e.error ? ` — ${e.error}` : ''}`]));
  session.out.summary(`${first.flowName}: ${completed} of ${finals.length} runs completed${failedRows.length ? `\n  ${failedRows.join('\n  ')}` : ''}`);
  return completed === finals.length ? EXIT.passed : EXIT.failed;
}

/** The rows of a --data file: a JSON array of 1 to MAX_DATA_ROWS objects (variable name → value). */
function readDataRows(file: string): Array<Record<string, unknown>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw CliError.usage(`--data ${file}: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed) || parsed.length === 0 || parsed.length > MAX_DATA_ROWS) {
    throw CliError.usage(`--data ${file}: expected a JSON array of 1 to ${MAX_DATA_ROWS} rows, each an object of variables`);
  }
  const bad = parsed.findIndex((row) => typeof row !== 'object' || row === null || Array.isArray(row));
  if (bad >= 0) throw CliError.usage(`--data ${file}: row ${bad + 1} is not an object of variables (name → value)`);
  return parsed as Array<Record<string, unknown>>;
}

function isFlowFile(arg: string): boolean {
  return FLOW_FILE_EXTENSIONS.some((ext) => arg.toLowerCase().endsWith(ext)) && existsSync(arg) && statSync(arg).isFile();
}

async function pushedFlowId(session: Session, file: string): Promise<string> {
  const actions = await pushFlows(session, [file]);
  const flows = actions.filter((a) => a.kind !== 'delete');
  if (flows.length !== 1) throw CliError.usage(`${file} defines ${flows.length} flows; ats run takes a file with one flow (or run a flow by name)`);
  const action = flows[0];
  if (!('id' in action) || !action.id) throw CliError.usage(`${file}: the flow was not saved`);
  session.out.line(session.out.colors.dim(`${action.kind === 'unchanged' ? 'unchanged' : action.kind === 'create' ? 'created' : 'updated'} ${action.name} from ${file}`));
  return action.id;
}

async function flowIdByName(session: Session, name: string): Promise<string> {
  const flows = await flowsByName(session.client(), await session.teamPath());
  const flow = flows.get(name);
  if (!flow) {
    const near = [...flows.keys()].filter((n) => n.toLowerCase().includes(name.toLowerCase())).slice(0, 5);
    throw CliError.usage(`no flow named "${name}" in the team${near.length ? `; did you mean: ${near.join(', ')}` : ''}`);
  }
  return flow.id;
}
