import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { parse as parseYaml } from 'yaml';
import { CliError, EXIT, type ExitCode } from '../cli-error';
import { withSession } from '../command-kit';
import type { Session } from '../session';

interface ImportOptions {
  groupBy: 'operation' | 'tag';
  dryRun?: boolean;
  baseUrlVariable?: string;
  onConflict: 'skip' | 'fail';
}

interface ImportAnswer {
  created?: Array<{ id: string; name: string }>;
  skipped?: Array<{ name: string; reason: string }>;
  dryRun?: boolean;
  flows?: Array<{ name: string; stepCount: number; steps: Array<{ name: string; method: string; url: string }>; variables: Array<{ name: string }>; exists: boolean }>;
}

export function importOpenApiCommand(): Command {
  return new Command('openapi')
    .description('Turn an OpenAPI 3.x / Swagger 2.0 document (file or URL) into flows of the team')
    .argument('<file|url>', 'the document, JSON or YAML; a URL is fetched by the CLI, never by the service')
    .addOption(new Option('--group-by <how>', 'one flow per operation, or per tag').choices(['operation', 'tag']).default('operation'))
    .option('--dry-run', 'list the flows that would be created; save nothing')
    .option('--base-url-variable <name>', 'name of the base-URL variable (default baseUrl)')
    .addOption(new Option('--on-conflict <what>', 'a flow name that exists already: skip it, or fail the import').choices(['skip', 'fail']).default('skip'))
    .addHelpText(
      'after',
      `
Examples:
  $ ats import openapi ./openapi.yaml --dry-run
  $ ats import openapi https://orders.staging.example.com/openapi.json --group-by tag
  $ ats run "GET /orders/{id}" --var baseUrl=http://staging:8080 --var id=42 --wait`,
    )
    .action(withSession(importOpenApi));
}

async function importOpenApi(session: Session, source: string, options: ImportOptions): Promise<ExitCode> {
  const document = parseDocument(await readSource(source), source);
  const answer = await session.client().post<ImportAnswer>(`${await session.teamPath()}/flows/import/openapi`, document, {
    query: { groupBy: options.groupBy, dryRun: options.dryRun ? true : undefined, baseUrlVariable: options.baseUrlVariable, onConflict: options.onConflict },
  });
  session.out.json(answer);
  const { colors } = session.out;
  if (answer.dryRun) {
    for (const flow of answer.flows ?? []) {
      session.out.line(`${flow.exists ? colors.dim('exists ') : colors.green('new    ')} ${flow.name}  ${colors.dim(`${flow.stepCount} step(s); variables: ${flow.variables.map((v) => v.name).join(', ') || 'none'}`)}`);
      for (const step of flow.steps) session.out.line(colors.dim(`         ${step.method} ${step.url}`));
    }
    session.out.summary(`dry run: ${answer.flows?.length ?? 0} flow(s) would be imported; nothing saved`);
    return EXIT.passed;
  }
  for (const flow of answer.created ?? []) session.out.line(`${colors.green('created')} ${flow.name}  ${colors.dim(flow.id)}`);
  for (const flow of answer.skipped ?? []) session.out.line(`${colors.yellow('skipped')} ${flow.name}  ${colors.dim(flow.reason)}`);
  session.out.summary(`${answer.created?.length ?? 0} flow(s) created, ${answer.skipped?.length ?? 0} skipped`);
  return EXIT.passed;
}

/** The service takes request bodies up to 2 MB (create-app.ts): a larger document could not be imported anyway. */
const MAX_DOCUMENT_BYTES = 2 * 1024 * 1024;

/** Reads the body up to MAX_DOCUMENT_BYTES, stopping the download past it instead of buffering all of it. */
async function readCapped(response: Response, source: string): Promise<string> {
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for await (const chunk of response.body ?? []) {
    bytes += chunk.length;
    // Throwing out of the loop ends the iteration, which cancels the download.
    if (bytes > MAX_DOCUMENT_BYTES) {
      throw CliError.usage(`cannot import ${source}: the document is larger than ${MAX_DOCUMENT_BYTES} bytes, the most the service accepts`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The document's text: a URL is fetched here, on the user's side — the service never fetches tenant-supplied URLs. */
async function readSource(source: string): Promise<string> {
  if (/^https?:\/\//i.test(source)) {
    let response: Response;
    try {
      response = await fetch(source, { signal: AbortSignal.timeout(30_000) });
    } catch (error) {
      throw CliError.unreachable(`cannot fetch ${source}: ${(error as Error).message}`);
    }
    if (!response.ok) throw CliError.usage(`cannot fetch ${source}: HTTP ${response.status}`);
    return readCapped(response, source);
  }
  try {
    return await readFile(source, 'utf8');
  } catch (error) {
    throw CliError.usage(`cannot read ${source}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** JSON is YAML, so one parser reads both; the service receives the document as JSON. */
function parseDocument(text: string, source: string): unknown {
  try {
    return parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    throw CliError.usage(`${source} is neither JSON nor YAML: ${(error as Error).message.split('\n')[0]}`);
  }
}
