import type { FieldProblem } from '../common/errors/app.exception';
import type { VariableDeclaration, VariableType } from '../flows/flow-definition';
import { substitute } from '../flow-language/substitution/substitute';
import { SubstitutionError } from '../flow-language/substitution/substitution-error';

export interface RunVariable {
  name: string;
  value: unknown;
  type?: VariableType;
}

/**
 * Merges a flow's declared variables with the values given for one run: run values override defaults,
 * must match the declared type (strings of numbers/booleans/JSON are converted, since CI tools often
 * pass everything as text), and every required variable must end up with a value.
 *
 * A default holding `${...}` function calls (`${uuid()}`, `${now()}`) is evaluated here, once per run,
 * so the execution's stored variables show the values every step used. Defaults cannot read steps or
 * other variables (refused at save).
 */
export function resolveRunVariables(
  declared: VariableDeclaration[],
  provided: RunVariable[],
  now: () => number = Date.now,
): { values: Record<string, unknown>; problems: FieldProblem[] } {
  const values: Record<string, unknown> = {};
  const problems: FieldProblem[] = [];
  const byName = new Map(declared.map((d) => [d.name, d]));
  const given = new Set(provided.map((v) => v.name));
  declared.forEach((d, i) => {
    if (d.default === undefined || given.has(d.name)) return;
    const evaluated = evaluateDefault(d, now);
    if (evaluated.error) problems.push({ field: `variables.${i}.default`, message: `variable "${d.name}": default ${evaluated.error}` });
    else values[d.name] = evaluated.value;
  });
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

function evaluateDefault(declaration: VariableDeclaration, now: () => number): { value?: unknown; error?: string } {
  const raw = declaration.default;
  if (typeof raw !== 'string' || !raw.includes('${')) return { value: raw };
  try {
    const value = substitute(raw, { variables: {}, steps: {}, env: {} }, { now });
    return convert(value, declaration.type);
  } catch (error) {
    if (error instanceof SubstitutionError) return { error: error.message };
    throw error;
  }
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
