import { parse as parseYaml } from 'yaml';
import type { StepDefinition } from '../flow-definition';
import { FLOW_LIMITS } from '../flow-limits';
import type { FlowView } from '../flow-view';
import { pointerOf, problem, type FlowProblem } from '../../flow-language/flow-problem';

export const EXPORT_FORMAT = 'ats.flows';
export const EXPORT_FORMAT_VERSION = 1;

export type ExportedStep = Omit<StepDefinition, 'config'> & { resource?: string; config: Record<string, unknown> };

export interface ExportedFlow {
  name: string;
  description: string;
  tags: string[];
  variables: FlowView['variables'];
  steps: ExportedStep[];
  outputs: FlowView['outputs'];
  /** Present only when the flow sets some (`defaults.retry`). */
  defaults?: FlowView['defaults'];
}

export interface FlowExportDocument {
  format: typeof EXPORT_FORMAT;
  formatVersion: typeof EXPORT_FORMAT_VERSION;
  exportedAt: string;
  flows: ExportedFlow[];
}

/**
 * A step as exported: `config.resourceId` (meaningless in another team) becomes `resource: "<name>"`
 * beside `type`. A resource that no longer exists keeps its id, so the import reports it by pointer.
 */
export function toExportedStep(step: StepDefinition, resourceNames: ReadonlyMap<string, string>): ExportedStep {
  const { resourceId, ...config } = step.config;
  const name = typeof resourceId === 'string' ? resourceNames.get(resourceId) : undefined;
  if (name === undefined) return step;
  const { id, name: stepName, type, ...rest } = step;
  return { id, name: stepName, type, resource: name, ...rest, config };
}

export function toExportDocument(flows: readonly FlowView[], resourceNames: ReadonlyMap<string, string>, now = new Date()): FlowExportDocument {
  return {
    format: EXPORT_FORMAT,
    formatVersion: EXPORT_FORMAT_VERSION,
    exportedAt: now.toISOString(),
    flows: flows.map((f) => ({
      name: f.name,
      description: f.description,
      tags: f.tags,
      variables: f.variables,
      steps: f.steps.map((s) => toExportedStep(s, resourceNames)),
      outputs: f.outputs,
      ...(f.defaults && Object.keys(f.defaults).length > 0 && { defaults: f.defaults }),
    })),
  };
}

export function resourceIdsOf(flows: readonly FlowView[]): string[] {
  const ids = flows.flatMap((f) => f.steps.map((s) => s.config.resourceId)).filter((id): id is string => typeof id === 'string');
  return [...new Set(ids)];
}

/** The import body as a document: a JSON body is taken as is, a text body (application/yaml, text/yaml) is YAML. */
export function readImportBody(body: unknown): { document?: unknown; problems: FlowProblem[] } {
  if (typeof body !== 'string') {
    if (body === undefined || (typeof body === 'object' && body !== null && !Array.isArray(body) && !Object.keys(body).length)) {
      return { problems: [problem('', 'send the export document as application/json, or as YAML with Content-Type application/yaml')] };
    }
    return { document: body, problems: [] };
  }
  try {
    return { document: parseYaml(body, { maxAliasCount: 100, uniqueKeys: true }), problems: [] };
  } catch (error) {
    return { problems: [problem('', `invalid YAML: ${(error as Error).message.split('\n')[0]}`)] };
  }
}

/** The document's flows, or the problems of its envelope (format, version, flow list). */
export function readEnvelope(document: unknown): { flows?: unknown[]; problems: FlowProblem[] } {
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    return { problems: [problem('', `must be an object { format: "${EXPORT_FORMAT}", formatVersion: ${EXPORT_FORMAT_VERSION}, flows: [...] }`)] };
  }
  const doc = document as Record<string, unknown>;
  const problems: FlowProblem[] = [];
  if (doc.format !== EXPORT_FORMAT) problems.push(problem('/format', `format must be "${EXPORT_FORMAT}"`));
  if (doc.formatVersion !== EXPORT_FORMAT_VERSION) problems.push(problem('/formatVersion', `formatVersion must be ${EXPORT_FORMAT_VERSION}`));
  const unknown = Object.keys(doc).filter((key) => !['format', 'formatVersion', 'exportedAt', 'flows'].includes(key));
  for (const key of unknown) problems.push(problem(pointerOf('', key), `property ${key} should not exist`));
  if (!Array.isArray(doc.flows)) problems.push(problem('/flows', 'flows must be an array'));
  else if (doc.flows.length === 0) problems.push(problem('/flows', 'flows must contain at least one flow'));
  else if (doc.flows.length > FLOW_LIMITS.importFlows) problems.push(problem('/flows', `at most ${FLOW_LIMITS.importFlows} flows per import`));
  return problems.length ? { problems } : { flows: doc.flows as unknown[], problems };
}

/** Names the flow's steps give in `resource`, for one lookup per import. */
export function resourceNamesOf(flow: unknown): string[] {
  return stepsOf(flow)
    .map((s) => s.resource)
    .filter((n): n is string => typeof n === 'string');
}

/**
 * The flow with every step's `resource: "<name>"` replaced by `config.resourceId` of the team's resource
 * of that name. Pointers are relative to the flow.
 */
export function bindResources(flow: unknown, idsByName: ReadonlyMap<string, string>): { flow: unknown; problems: FlowProblem[] } {
  if (!Array.isArray((flow as { steps?: unknown } | null)?.steps)) return { flow, problems: [] };
  const problems: FlowProblem[] = [];
  const steps = stepsOf(flow).map((step, index) => {
    if (!('resource' in step)) return step;
    const { resource, ...rest } = step;
    const at = pointerOf('', 'steps', index, 'resource');
    if (typeof resource !== 'string') {
      problems.push(problem(at, 'resource must be the name of a resource of this team'));
      return rest;
    }
    const id = idsByName.get(resource);
    if (!id) {
      problems.push(problem(at, `no resource named "${resource}" in this team; create it first or change the name`));
      return rest;
    }
    const config = rest.config;
    if (config === null || typeof config !== 'object' || Array.isArray(config)) return rest;
    if ('resourceId' in config) {
      problems.push(problem(at, 'give either resource (a name) or config.resourceId, not both'));
      return rest;
    }
    return { ...rest, config: { ...config, resourceId: id } };
  });
  return { flow: { ...(flow as object), steps }, problems };
}

function stepsOf(flow: unknown): Array<Record<string, unknown>> {
  const steps = (flow as { steps?: unknown } | null)?.steps;
  return Array.isArray(steps) ? steps.map((s) => (s !== null && typeof s === 'object' && !Array.isArray(s) ? (s as Record<string, unknown>) : {})) : [];
}
