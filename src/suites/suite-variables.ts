import type { FieldProblem } from '../common/errors/app.exception';
import { resolveRunVariables } from '../executions/run-variables';
import type { VariableDeclaration } from '../flows/flow-definition';
import type { SuiteVariable } from './suite-definition';

/** One layer of variables and the request field it came from (`variables`, `entries.2.variables`). */
export interface VariableLayer {
  field: string;
  variables: readonly SuiteVariable[];
}

/**
 * Layers variables for one suite entry — later layers win by name (suite < entry < run request) — and
 * checks the result against the flow's declarations with the same rules a single run uses. Problems
 * name the field that supplied the bad value (`entries.2.variables.0.value`), or the entry's
 * `variables` when a required variable got no value at all.
 */
export function resolveEntryVariables(
  declared: readonly VariableDeclaration[],
  layers: readonly VariableLayer[],
  entryField: string,
  flowName: string,
): { variables: SuiteVariable[]; problems: FieldProblem[] } {
  const byName = new Map<string, { variable: SuiteVariable; field: string }>();
  for (const layer of layers) {
    layer.variables.forEach((variable, i) => {
      byName.delete(variable.name); // keep Map order = order of the winning definitions
      byName.set(variable.name, { variable, field: `${layer.field}.${i}` });
    });
  }
  const merged = [...byName.values()];
  const { problems } = resolveRunVariables([...declared], merged.map((m) => m.variable));
  return {
    variables: merged.map((m) => m.variable),
    problems: problems.map((p) => {
      const match = /^variables\.(\d+)\.(\w+)$/.exec(p.field);
      const field = match ? `${merged[Number(match[1])].field}.${match[2]}` : `${entryField}.variables`;
      return { field, message: `flow "${flowName}": ${p.message}` };
    }),
  };
}

export function uniqueProblems(problems: readonly FieldProblem[]): FieldProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.field}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
