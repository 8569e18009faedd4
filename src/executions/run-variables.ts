import type { FieldProblem } from '../common/errors/app.exception';
import type { VariableDeclaration, VariableType } from '../flows/flow-definition';

export interface RunVariable {
  name: string;
  value: unknown;
  type?: VariableType;
}

/**
 * Merges a flow's declared variables with the values given for one run: run values override defaults,
 * must match the declared type (strings of numbers/booleans/JSON are converted, since CI tools often
 * pass everything as text), and every required variable must end up with a value.
 */
export function resolveRunVariables(
  declared: VariableDeclaration[],
  provided: RunVariable[],
): { values: Record<string, unknown>; problems: FieldProblem[] } {
  const values: Record<string, unknown> = {};
  const problems: FieldProblem[] = [];
  const byName = new Map(declared.map((d) => [d.name, d]));
  for (const d of declared) if (d.default !== undefined) values[d.name] = d.default;
  provided.forEach((v, i) => {
    const declaration = byName.get(v.name);
    const type = declaration?.type ?? v.type ?? 'json';
    if (declaration && v.type && v.type !== declaration.type) {
      problems.push({ field: `variables.${i}.type`, message: `variable "${v.name}" is declared as ${declaration.type}, not ${v.type}` });
      return;
    }
    const converted = convert(v.value, type);
    if (converted.error) problems.push({ field: `variables.${i}.value`, message: `variable "${v.name}": ${converted.error}` });
    else values[v.name] = converted.value;
  });
  for (const d of declared) {
    if (d.required && (values[d.name] === undefined || values[d.name] === null || values[d.name] === '')) {
      problems.push({ field: 'variables', message: `variable "${d.name}" is required` });
    }
  }
  return { values, problems };
}

function convert(value: unknown, type: VariableType): { value?: unknown; error?: string } {
  switch (type) {
    case 'string':
      return typeof value === 'string' ? { value } : typeof value === 'number' || typeof value === 'boolean' ? { value: String(value) } : { error: 'expected a string' };
    case 'number': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      return typeof n === 'number' && Number.isFinite(n) ? { value: n } : { error: 'expected a number' };
    }
    case 'boolean':
      if (typeof value === 'boolean') return { value };
      if (value === 'true' || value === 'false') return { value: value === 'true' };
      return { error: 'expected a boolean' };
    case 'json':
      if (typeof value === 'string') {
        try {
          return { value: JSON.parse(value) };
        } catch {
          return { value };
        }
      }
      return { value };
  }
}
