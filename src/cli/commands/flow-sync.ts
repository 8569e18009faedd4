import { ApiError } from '../api-client';
import { CliError } from '../cli-error';
import { canonicalFlow, diffFlows, type DiffLine } from '../files/flow-diff';
import { type FileProblem, formatFileProblem, type LocalFlow, listFlowFiles, loadFlowFiles, problemAt } from '../files/flow-files';
import { bindResourceNames } from '../files/resource-binding';
import type { Session } from '../session';
import { flowsByName, type RemoteFlowSummary, resourceIdsByName } from './team-catalog';

/** A local flow checked against the team: resources bound to ids, validated by the server. */
export interface CheckedFlow {
  local: LocalFlow;
  /** The body for POST/PATCH: resources as `config.resourceId`. */
  body: Record<string, unknown>;
}

/**
 * Loads flow files and has the server validate every flow (POST .../flows/validate), so problems come
 * from the same rules a save applies. All problems of all files are returned, with file positions.
 */
export async function checkFlowFiles(session: Session, paths: readonly string[]): Promise<{ checked: CheckedFlow[]; problems: FileProblem[] }> {
  const { flows, problems } = loadFlowFiles(listFlowFiles(paths));
  const client = session.client();
  const teamPath = await session.teamPath();
  const resourceIds = flows.some(usesResources) ? await resourceIdsByName(client, teamPath) : new Map<string, string>();
  const checked: CheckedFlow[] = [];
  for (const local of flows) {
    const bound = bindResourceNames(local.flow, resourceIds);
    const flowProblems = bound.problems.map((p) => problemAt(local, p.pointer, p.message));
    try {
      await client.post(`${teamPath}/flows/validate`, bound.flow);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 400) throw error;
      const serverProblems = error.problems.length ? error.problems : [{ pointer: '', message: error.message }];
      // A step whose resource name is unknown was sent without it; the server's "resourceId required" would only repeat that.
      const unbound = new Set(bound.problems.map((p) => p.pointer.replace(/\/resource$/, '')));
      for (const p of serverProblems) {
        const pointer = p.pointer ?? (p.field ? `/${p.field.replace(/\./g, '/')}` : '');
        if ([...unbound].some((step) => pointer.startsWith(`${step}/config`) && /resourceId/.test(pointer + p.message))) continue;
        flowProblems.push(problemAt(local, pointer, p.message));
      }
    }
    if (flowProblems.length) problems.push(...flowProblems);
    else checked.push({ local, body: bound.flow });
  }
  return { checked, problems };
}

export function printProblems(session: Session, problems: readonly FileProblem[]): void {
  const sorted = [...problems].sort((a, b) => a.file.localeCompare(b.file) || a.position.line - b.position.line || a.position.col - b.position.col);
  for (const p of sorted) session.out.error(formatFileProblem(p));
}

export type PushAction =
  | { kind: 'create'; name: string; file: string; id?: string; version?: number }
  | { kind: 'update'; name: string; file: string; id: string; fromVersion: number; version?: number; diff: DiffLine[] }
  | { kind: 'unchanged'; name: string; file: string; id: string; version: number }
  | { kind: 'delete'; name: string; id: string };

export interface PushOptions {
  dryRun?: boolean;
  prune?: boolean;
  /** Asked before deleting (prune); false refuses the deletion. */
  confirmDelete?: (names: string[]) => Promise<boolean>;
}

/**
 * Makes the team's flows match the files: a flow is matched by name; it is created when new, PATCHed
 * when its content differs from the latest version (the server then writes a new version only if
 * variables/steps/outputs really changed), and left alone when equal. All files are validated first and
 * nothing is written if any has a problem (exit 2), like the import endpoint: a pipeline never leaves
 * the team half pushed because of a typo.
 */
export async function pushFlows(session: Session, paths: readonly string[], options: PushOptions = {}): Promise<PushAction[]> {
  const { checked, problems } = await checkFlowFiles(session, paths);
  if (problems.length) {
    printProblems(session, problems);
    throw CliError.usage(`${problems.length} problem(s) in the flow files; nothing was pushed`);
  }
  const client = session.client();
  const teamPath = await session.teamPath();
  const remote = await flowsByName(client, teamPath);
  const actions: PushAction[] = [];
  for (const { local } of checked) {
    const existing = remote.get(local.name);
    if (!existing) {
      actions.push({ kind: 'create', name: local.name, file: local.file });
      continue;
    }
    const exported = await client.get<{ flows: Array<Record<string, unknown>> }>(`${teamPath}/flows/${existing.id}/export`);
    const diff = diffFlows(canonicalFlow(exported.flows[0]), canonicalFlow(local.flow));
    actions.push(
      diff.length
        ? { kind: 'update', name: local.name, file: local.file, id: existing.id, fromVersion: existing.version, diff }
        : { kind: 'unchanged', name: local.name, file: local.file, id: existing.id, version: existing.version },
    );
  }
  if (options.prune) {
    const names = new Set(checked.map((c) => c.local.name));
    for (const flow of remote.values()) if (!names.has(flow.name)) actions.push({ kind: 'delete', name: flow.name, id: flow.id });
  }
  if (options.dryRun) return actions;

  // Asked before anything is written, so a refusal leaves the team as it was.
  const deletions = actions.filter((a): a is Extract<PushAction, { kind: 'delete' }> => a.kind === 'delete');
  if (deletions.length) {
    const confirmed = options.confirmDelete ? await options.confirmDelete(deletions.map((d) => d.name)) : false;
    if (!confirmed) throw CliError.usage(`--prune would delete ${deletions.length} flow(s) (${deletions.map((d) => d.name).join(', ')}): pass --yes to confirm`);
  }

  const bodies = new Map(checked.map((c) => [c.local.name, c.body]));
  for (const action of actions) {
    if (action.kind === 'create') {
      const created = await client.post<RemoteFlowSummary>(`${teamPath}/flows`, bodies.get(action.name));
      Object.assign(action, { id: created.id, version: created.version });
    } else if (action.kind === 'update') {
      const { name: _name, ...content } = bodies.get(action.name)!;
      const updated = await client.patch<RemoteFlowSummary>(`${teamPath}/flows/${action.id}`, {
        description: '',
        tags: [],
        variables: [],
        outputs: {},
        ...content,
        baseVersion: action.fromVersion,
      });
      action.version = updated.version;
    }
  }
  for (const d of deletions) await client.delete(`${teamPath}/flows/${d.id}`);
  return actions;
}

function usesResources(flow: LocalFlow): boolean {
  return Array.isArray(flow.flow.steps) && flow.flow.steps.some((s: unknown) => typeof s === 'object' && s !== null && 'resource' in s);
}
