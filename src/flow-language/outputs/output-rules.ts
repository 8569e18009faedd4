import { pointerOf, problem, type FlowProblem } from '../flow-problem';
import { referenceProblem, type ReferenceScope } from '../references/reference-rules';
import { scanTemplates } from '../references/template-references';

/** Output names are read as `${child.response.outputs.<name>}`: the same grammar as variable and step names. */
const OUTPUT_NAME = /^[a-zA-Z_][a-zA-Z0-9_]{0,63}$/;
export const MAX_OUTPUTS = 50;
const MAX_TEMPLATE_LENGTH = 2000;

/**
 * Save-time rules of a flow's `outputs` (name → template): names follow the reference-name grammar,
 * values are strings whose `${...}` references read declared variables, allow-listed env names or any
 * step of the flow (outputs are evaluated after the last step, so every step "comes before" them).
 */
export function checkOutputs(outputs: unknown, flow: ReferenceScope, allowedEnv?: ReadonlySet<string>): FlowProblem[] {
  if (outputs === undefined || outputs === null) return [];
  if (typeof outputs !== 'object' || Array.isArray(outputs)) return [problem('/outputs', 'outputs must be an object of name → template')];
  const entries = Object.entries(outputs);
  if (entries.length > MAX_OUTPUTS) return [problem('/outputs', `at most ${MAX_OUTPUTS} outputs (got ${entries.length})`)];
  const variableNames = new Set(flow.variables.map((v) => v.name).filter((n): n is string => typeof n === 'string'));
  const stepNames = flow.steps.map((s) => (typeof s.name === 'string' ? s.name : ''));
  const stepIndex = new Map<string, number>();
  stepNames.forEach((name, index) => {
    if (name && !stepIndex.has(name)) stepIndex.set(name, index);
  });
  const problems: FlowProblem[] = [];
  for (const [name, template] of entries) {
    const at = pointerOf('/outputs', name);
    if (!OUTPUT_NAME.test(name)) {
      problems.push(problem(at, `output name "${name}" must start with a letter or "_" and contain only letters, digits and "_" (at most 64 characters)`));
      continue;
    }
    if (typeof template !== 'string') {
      problems.push(problem(at, 'an output must be a string template, e.g. "${placeOrder.response.body.id}"'));
      continue;
    }
    if (template.length > MAX_TEMPLATE_LENGTH) {
      problems.push(problem(at, `an output template is at most ${MAX_TEMPLATE_LENGTH} characters`));
      continue;
    }
    const scan = scanTemplates(template, at, stepNames.filter(Boolean));
    for (const error of scan.syntaxErrors) problems.push(problem(error.pointer, error.message));
    for (const reference of scan.references) {
      const message = referenceProblem(reference, stepNames.length, { stepNames, stepIndex, variableNames, allowedEnv });
      if (message) problems.push(problem(reference.pointer, `\${${reference.expression}}: ${message}`));
    }
  }
  return problems;
}
