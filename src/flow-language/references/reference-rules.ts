import { ENV_ROOT } from '../substitution/expression-node';
import type { FoundReference } from '../substitution/find-references';
import { pointerOf, problem, type FlowProblem } from '../flow-problem';
import { scanTemplates } from './template-references';

/** What the reference rules need of a flow; loose on purpose so a half-valid document can still be checked. */
export interface ReferenceScope {
  variables: ReadonlyArray<{ name?: unknown }>;
  steps: ReadonlyArray<{ name?: unknown; config?: unknown; assertions?: ReadonlyArray<{ expected?: unknown } | null> | unknown; runInBackground?: unknown }>;
}

/** What a step exposes to later steps (engine's StepScope). */
const STEP_FIELDS = ['response', 'request', 'status'];

/**
 * Checks every `${...}` in step configs and assertion `expected` values:
 * - a root is a declared variable, `env.NAME` with NAME in the deployment's allow-list, `execution.<id|correlationId|traceId|startedAt>`, or a step that runs EARLIER (a later step or the step itself
 *   is refused with a message saying where it sits);
 * - a step root reads `response`, `request` or `status`;
 * - expressions parse and call only known functions with valid literal arguments.
 * Background steps follow the same rule: they can be read from any later step, which waits for them.
 */
export function checkReferences(flow: ReferenceScope, allowedEnv?: ReadonlySet<string>): FlowProblem[] {
  const variableNames = new Set(flow.variables.map((v) => v.name).filter((n): n is string => typeof n === 'string'));
  const stepNames = flow.steps.map((s) => (typeof s.name === 'string' ? s.name : ''));
  const stepIndex = new Map<string, number>();
  stepNames.forEach((name, index) => {
    if (name && !stepIndex.has(name)) stepIndex.set(name, index);
  });
  const known = stepNames.filter(Boolean);

  const problems: FlowProblem[] = [];
  flow.steps.forEach((step, index) => {
    const base = pointerOf('', 'steps', index);
    const scans = [scanTemplates(step.config, pointerOf(base, 'config'), known)];
    if (Array.isArray(step.assertions)) {
      step.assertions.forEach((assertion, a) => {
        if (assertion && typeof assertion === 'object' && 'expected' in assertion) {
          scans.push(scanTemplates(assertion.expected, pointerOf(base, 'assertions', a, 'expected'), known));
        }
      });
    }
    for (const scan of scans) {
      for (const error of scan.syntaxErrors) problems.push(problem(error.pointer, error.message));
      for (const reference of scan.references) {
        const message = referenceProblem(reference, index, stepNames, stepIndex, variableNames, allowedEnv);
        if (message) problems.push(problem(reference.pointer, `\${${reference.expression}}: ${message}`));
      }
    }
  });
  return problems;
}

/**
 * Why one reference read from the position `current` (a step index; `stepNames.length` for the flow's
 * outputs, which are evaluated after every step) is not allowed, or undefined when it is.
 */
export function referenceProblem(
  reference: FoundReference,
  current: number,
  stepNames: readonly string[],
  stepIndex: ReadonlyMap<string, number>,
  variableNames: ReadonlySet<string>,
  allowedEnv?: ReadonlySet<string>,
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
  if (target > current) {
    return (
      `step "${root}" runs after "${self}" (it is step ${target + 1}, this is step ${current + 1}); ` +
      `a step can only read steps that come before it — move "${root}" above "${self}"`
    );
  }
  const first = /^[^.[]*/.exec(reference.fieldPath)![0];
  if (reference.fieldPath !== '' && !STEP_FIELDS.includes(first)) {
    return `a step reference reads ${STEP_FIELDS.map((f) => `${root}.${f}`).join(', ')} (e.g. \${${root}.response.${reference.fieldPath}})`;
  }
  return undefined;
}
