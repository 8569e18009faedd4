import { Inject, Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { AppConfig } from '../../config/app-config';
import { StepRegistry } from '../../steps/step-registry.service';
import { FLOW_LIMITS, RESERVED_ROOTS } from '../flow-limits';
import { FLOW_RESOURCE_CATALOG, type FlowResourceCatalog } from '../resources/flow-resource-catalog';
import { dedupeProblems, pointerOf, problem, type FlowProblem } from '../../flow-language/flow-problem';
import { checkReferences } from '../../flow-language/references/reference-rules';
import { checkOutputs } from '../../flow-language/outputs/output-rules';
import { scanTemplates } from '../../flow-language/references/template-references';
import { SubFlowChecks } from './sub-flow-checks';
import { checkHoldRules } from '../../flow-language/hold/hold-rules';
import { checkWorstCaseDuration } from './worst-case-duration';

/** Variables and steps as submitted (shape-checked or not): every rule below guards its own input. */
export interface FlowContent {
  variables?: unknown;
  steps?: unknown;
  outputs?: unknown;
  /** The flow's `defaults` (its `retry` counts in the worst-case duration). */
  defaults?: unknown;
}

type Loose = Record<string, unknown>;

function retryOf(defaults: unknown): unknown {
  return isPlainObject(defaults) ? defaults.retry : undefined;
}

/**
 * The rules a flow's variables and steps must satisfy beyond their DTO shape. Step configs are judged
 * by the step's own plugin through the registry, so this module knows no step type.
 */
@Injectable()
export class FlowValidator {
  private readonly allowedEnv: ReadonlySet<string>;
  private readonly budgetMs: number;

  constructor(
    private readonly registry: StepRegistry,
    @Inject(FLOW_RESOURCE_CATALOG) private readonly resources: FlowResourceCatalog,
    private readonly subFlows: SubFlowChecks,
    config: AppConfig,
  ) {
    this.allowedEnv = new Set(config.flowEnvNames());
    this.budgetMs = config.EXECUTION_MAX_DURATION_SEC * 1000;
  }

  /** `flowId`: the flow this content becomes a new version of (absent for a new flow), for the sub-flow cycle check. */
  async checkContent(teamId: string, content: FlowContent, flowId?: string): Promise<FlowProblem[]> {
    const variables = objectsOf(content.variables);
    const steps = objectsOf(content.steps);
    // Over the limits the shape check has already refused the document; judging thousands of steps helps nobody.
    if (variables.length > FLOW_LIMITS.variables || steps.length > FLOW_LIMITS.steps) return [];
    const problems = [
      ...checkVariables(variables),
      ...checkStepNames(steps, variables),
      ...steps.flatMap((step, index) => this.checkStep(step, index)),
      ...checkReferences({ variables, steps }, this.allowedEnv, this.registry.lateFields()),
      ...checkOutputs(content.outputs, { variables, steps }, this.allowedEnv),
      ...checkHoldRules(steps),
      ...checkWorstCaseDuration(steps, this.budgetMs, retryOf(content.defaults)),
      ...(await this.checkResources(teamId, steps)),
      ...(await this.subFlows.check(teamId, steps, flowId)),
    ];
    return dedupeProblems(problems);
  }

  private checkStep(step: Loose, index: number): FlowProblem[] {
    const at = (...tokens: Array<string | number>) => pointerOf('', 'steps', index, ...tokens);
    const problems: FlowProblem[] = [];
    if (typeof step.type !== 'string' || !isPlainObject(step.config)) return problems;
    const size = Buffer.byteLength(JSON.stringify(step.config));
    if (size > FLOW_LIMITS.configBytes) {
      problems.push(problem(at('config'), `config is ${size} bytes as JSON; the limit is ${FLOW_LIMITS.configBytes}`));
      return problems;
    }
    if (!this.registry.get(step.type)) {
      const registered = this.registry.types();
      problems.push(problem(at('type'), `unknown step type "${step.type}"; registered types: ${registered.length ? registered.join(', ') : 'none'}`));
      return problems;
    }
    let configProblems;
    try {
      configProblems = this.registry.configProblems(step.type, step.config);
    } catch (error) {
      configProblems = [{ pointer: '', message: `the ${step.type} plugin could not validate the config: ${(error as Error).message}` }];
    }
    for (const p of configProblems) problems.push(problem(at('config') + p.pointer, p.message));
    return problems;
  }

  /** A step whose plugin declares a resource type must name an existing resource of that type in the team. */
  private async checkResources(teamId: string, steps: Loose[]): Promise<FlowProblem[]> {
    const problems: FlowProblem[] = [];
    const types = new Map<string, Promise<string | null>>();
    for (const [index, step] of steps.entries()) {
      const needed = typeof step.type === 'string' ? this.registry.get(step.type)?.resourceType : undefined;
      if (!needed || !isPlainObject(step.config) || step.config.resourceId === undefined) continue;
      const pointer = pointerOf('', 'steps', index, 'config', 'resourceId');
      const id = step.config.resourceId;
      if (typeof id !== 'string' || id.includes('${')) {
        problems.push(problem(pointer, `resourceId must be the id of a ${needed} resource of this team (references are not allowed here)`));
        continue;
      }
      if (!types.has(id)) types.set(id, isUUID(id) ? this.resources.typeOf(teamId, id) : Promise.resolve(null));
      const actual = await types.get(id)!;
      if (actual === null) problems.push(problem(pointer, `resource ${id} does not exist in this team`));
      else if (actual !== needed) problems.push(problem(pointer, `resource ${id} is a ${actual} resource; a ${step.type} step needs a ${needed} resource`));
    }
    return problems;
  }
}

function checkVariables(variables: Loose[]): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const firstIndex = new Map<string, number>();
  variables.forEach((variable, index) => {
    const at = (...tokens: string[]) => pointerOf('', 'variables', index, ...tokens);
    const name = variable.name;
    if (typeof name === 'string') {
      if (Object.hasOwn(RESERVED_ROOTS, name)) problems.push(problem(at('name'), `"${name}" is reserved (${RESERVED_ROOTS[name]})`));
      const first = firstIndex.get(name);
      if (first !== undefined) problems.push(problem(at('name'), `duplicate variable name "${name}" (also /variables/${first})`));
      else firstIndex.set(name, index);
    }
    if (typeof variable.default === 'string' && variable.default.includes('${')) {
      problems.push(...defaultTemplateProblems(variable.default, at('default')));
    } else if ('default' in variable && variable.default !== undefined) {
      const mismatch = defaultProblem(variable.type, variable.default);
      if (mismatch) problems.push(problem(at('default'), mismatch));
    }
  });
  return problems;
}

/**
 * A default may call functions (`${uuid()}`, `${now("+1h")}`): it is evaluated once when a run is
 * created. It cannot read variables, steps or env — there is nothing to read yet.
 */
function defaultTemplateProblems(text: string, pointer: string): FlowProblem[] {
  const scan = scanTemplates(text, pointer, []);
  return [
    ...scan.syntaxErrors.map((e) => problem(e.pointer, e.message)),
    ...scan.references
      .filter((r) => r.kind !== 'function')
      .map((r) =>
        problem(r.pointer, `\${${r.expression}}: a default can only call functions (uuid(), now(), ...); it is evaluated once when the run is created, before any step`),
      ),
  ];
}

function defaultProblem(type: unknown, value: unknown): string | undefined {
  switch (type) {
    case 'string':
      return typeof value === 'string' ? undefined : 'default must be a string for a string variable';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'default must be a number for a number variable';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'default must be true or false for a boolean variable';
    default:
      return undefined;
  }
}

function checkStepNames(steps: Loose[], variables: Loose[]): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const variableNames = new Set(variables.map((v) => v.name));
  const names = new Map<string, number>();
  const ids = new Map<string, number>();
  steps.forEach((step, index) => {
    const at = (token: string) => pointerOf('', 'steps', index, token);
    if (typeof step.name === 'string') {
      const name = step.name;
      if (Object.hasOwn(RESERVED_ROOTS, name)) problems.push(problem(at('name'), `"${name}" is reserved (${RESERVED_ROOTS[name]})`));
      if (variableNames.has(name)) problems.push(problem(at('name'), `"${name}" is also a variable name; \${${name}...} could not tell them apart`));
      const first = names.get(name);
      if (first !== undefined) problems.push(problem(at('name'), `duplicate step name "${name}" (also /steps/${first})`));
      else names.set(name, index);
    }
    if (typeof step.id === 'string') {
      const first = ids.get(step.id);
      if (first !== undefined) problems.push(problem(at('id'), `duplicate step id "${step.id}" (also /steps/${first})`));
      else ids.set(step.id, index);
    }
  });
  return problems;
}

function objectsOf(value: unknown): Loose[] {
  return Array.isArray(value) ? value.map((item) => (isPlainObject(item) ? item : {})) : [];
}

function isPlainObject(value: unknown): value is Loose {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
