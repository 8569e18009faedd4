import { ENV_ROOT } from '../substitution/expression-node';
import type { FoundReference } from '../substitution/find-references';
import { problem, type FlowProblem } from '../flow-problem';
import { scanStep, type DependencyStep, type LateFields, type StepReference } from './step-dependencies';

/** What the reference rules need of a flow; loose on purpose so a half-valid document can still be checked. */
export interface ReferenceScope {
  variables: ReadonlyArray<{ name?: unknown }>;
  steps: ReadonlyArray<DependencyStep>;
}

/** What a step exposes to later steps (engine's StepScope). */
const STEP_FIELDS = ['response', 'request', 'status'];

/**
 * Checks every `${...}` in step configs, assertion `expected` values and `when` conditions:
 * - a root is a declared variable, `env.NAME` with NAME in the deployment's allow-list, `execution.<id|correlationId|traceId|startedAt>`, or a step that runs EARLIER (a later step or the step itself
 *   is refused with a message saying where it sits);
 * - the one exception: a late field of a background step (`lateFields`, e.g. kafka-subscribe searchPattern) may read a later step — matching
 *   starts once that step has finished — unless a step in between reads the background step (it would wait forever);
 * - a step root reads `response`, `request` or `status`;
 * - expressions parse and call only known functions with valid literal arguments; conditions parse.
 * Background steps can be read from any later step, which waits for them.
 */
export function checkReferences(flow: ReferenceScope, allowedEnv?: ReadonlySet<string>, lateFields?: LateFields): FlowProblem[] {
  const variableNames = new Set(flow.variables.map((v) => v.name).filter((n): n is string => typeof n === 'string'));
  const stepNames = flow.steps.map((s) => (typeof s.name === 'string' ? s.name : ''));
  const stepIndex = new Map<string, number>();
  stepNames.forEach((name, index) => {
    if (name && !stepIndex.has(name)) stepIndex.set(name, index);
  });
  const known = new Set(stepNames.filter(Boolean));
  const context: ReferenceRuleContext = { stepNames, stepIndex, variableNames, allowedEnv, lateHint: lateHint(lateFields) };

  const scans = flow.steps.map((step, index) => scanStep(step, index, known, lateFields));
  // The latest step each background step's late fields wait for: a step up to it cannot wait for the background step.
  const lateUntil = scans.map((scan, index) =>
    Math.max(-1, ...scan.references.filter((r) => r.late && r.kind === 'step').map((r) => stepIndex.get(r.root!) ?? -1).filter((t) => t > index)),
  );
  const problems: FlowProblem[] = [];
  scans.forEach((scan, index) => {
    for (const error of scan.syntaxErrors) problems.push(problem(error.pointer, error.message));
    for (const reference of scan.references) {
      const message = referenceProblem(reference, index, context) ?? deadlockProblem(reference, index, context, lateUntil);
      if (message) problems.push(problem(reference.pointer, `\${${reference.expression}}: ${message}`));
    }
  });
  return problems;
}

/** What a reference is checked against (built once per flow). */
export interface ReferenceRuleContext {
  stepNames: readonly string[];
  stepIndex: ReadonlyMap<string, number>;
  variableNames: ReadonlySet<string>;
  allowedEnv?: ReadonlySet<string>;
  /** Where forward references are allowed, for the message refusing one elsewhere. */
  lateHint?: string;
}

function lateHint(lateFields?: LateFields): string {
  const fields = [...(lateFields ?? new Map<string, readonly string[]>())].flatMap(([type, names]) => names.map((name) => `${type} config.${name}`));
  return fields.length ? ` (forward references are allowed only in a background step's ${fields.join(', ')})` : '';
}

/** A step reading a background step waits for it; that must not be a step the background step itself waits for. */
function deadlockProblem(reference: StepReference, current: number, { stepIndex, stepNames }: ReferenceRuleContext, lateUntil: readonly number[]): string | undefined {
  if (reference.kind !== 'step' || reference.late) return undefined;
  const target = stepIndex.get(reference.root!);
  if (target === undefined || target >= current || lateUntil[target] < current) return undefined;
  const waited = stepNames[lateUntil[target]];
  return `"${stepNames[current]}" would wait for background step "${reference.root}", which waits for "${waited}" to match on; read it after "${waited}"`;
}

/**
 * Why one reference read from the position `current` (a step index; `stepNames.length` for the flow's
 * outputs, which are evaluated after every step) is not allowed, or undefined when it is. Only a
 * reference in a background step's late field (`late`) may read a later step.
 */
export function referenceProblem(
  reference: FoundReference & { late?: boolean },
  current: number,
  { stepNames, stepIndex, variableNames, allowedEnv, lateHint = '' }: ReferenceRuleContext,
): string | undefined {
  if (reference.kind === 'env') {
    // Refused at save rather than failing the step at run time; without a list (unit use) any name goes.
    if (!allowedEnv || allowedEnv.has(reference.root!)) return undefined;
    const allowed = allowedEnv.size ? [...allowedEnv].join(', ') : 'none';
    return `${ENV_ROOT}.${reference.root} is not in FLOW_ENV_ALLOWLIST (allowed here: ${allowed})`;
  }
  // `${execution.<field>}`: the parser already admitted only the known fields.
  if (reference.kind === 'execution' || reference.kind === 'function' || reference.root === null) return undefined;
  const root = reference.root;
  if (reference.kind === 'variable') {
    if (variableNames.has(root)) return undefined;
    if (root === ENV_ROOT) return `write ${ENV_ROOT}.NAME to read an allow-listed environment variable`;
    return `"${root}" is neither a declared variable nor a step of this flow`;
  }
  const target = stepIndex.get(root)!;
  const self = stepNames[current];
  if (target === current) {
    return `a step cannot read its own result (assertions reach it through their path)`;
  }
  if (target > current && !reference.late) {
    return (
      `step "${root}" runs after "${self}" (it is step ${target + 1}, this is step ${current + 1}); ` +
      `a step can only read steps that come before it — move "${root}" above "${self}"${lateHint}`
    );
  }
  const first = /^[^.[]*/.exec(reference.fieldPath)![0];
  if (reference.fieldPath !== '' && !STEP_FIELDS.includes(first)) {
    return `a step reference reads ${STEP_FIELDS.map((f) => `${root}.${f}`).join(', ')} (e.g. \${${root}.response.${reference.fieldPath}})`;
  }
  return undefined;
}
