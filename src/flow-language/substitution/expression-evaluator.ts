import { BUILTIN_FUNCTIONS, type FunctionContext } from './builtin-functions';
import { ENV_ROOT, EXECUTION_ROOT, type CallNode, type ExpressionNode, type ReferenceNode } from './expression-node';
import { SubstitutionError } from './substitution-error';
import type { SubstitutionScope } from './substitution-scope';
import { formatValuePath, resolveValuePath } from './value-path';

export interface EvaluationContext extends FunctionContext {
  scope: SubstitutionScope;
}

/**
 * The value of a parsed `${source}` expression. Never returns undefined: whatever cannot be resolved
 * throws a SubstitutionError naming `${source}` and the reason.
 */
export function evaluateExpression(node: ExpressionNode, source: string, context: EvaluationContext): unknown {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'reference':
      return resolveReference(node, source, context);
    case 'call':
      return callFunction(node, source, context);
  }
}

function resolveReference({ root, path }: ReferenceNode, source: string, context: EvaluationContext): unknown {
  const { scope } = context;
  if (root === ENV_ROOT) {
    const name = String(path[0]);
    if (!Object.hasOwn(scope.env, name)) {
      throw failure(source, `environment variable "${name}" is not allowed or not set`);
    }
    return scope.env[name];
  }
  if (root === EXECUTION_ROOT) {
    // The parser admits only the EXECUTION_FIELDS, each a string the engine always fills.
    const value = scope.execution?.[String(path[0]) as keyof typeof scope.execution];
    if (value === undefined) throw failure(source, `${EXECUTION_ROOT}.${String(path[0])} is known only while the flow runs`);
    return value;
  }
  // Steps first: a flow validator keeps step and variable names apart, and a step result is the
  // more specific thing when both exist.
  let label: string;
  let base: unknown;
  if (Object.hasOwn(scope.steps, root)) {
    label = `step "${root}"`;
    base = scope.steps[root];
  } else if (Object.hasOwn(scope.variables, root) && scope.variables[root] !== undefined) {
    label = `variable "${root}"`;
    base = scope.variables[root];
  } else {
    throw failure(source, `unknown variable or step "${root}"`);
  }
  const resolution = resolveValuePath(base, path, context.jsonCache);
  if (resolution.found) return resolution.value;
  if (path.length === 0) throw failure(source, `${label} has no value`);
  const where = formatValuePath([root, ...path.slice(0, resolution.depth)]);
  throw failure(source, `${label} has no value at "${formatValuePath(path)}" (${where} ${resolution.reason})`);
}

function callFunction(node: CallNode, source: string, context: EvaluationContext): unknown {
  const fn = BUILTIN_FUNCTIONS.get(node.name);
  if (!fn) throw failure(source, `unknown function "${node.name}"`);
  const args = node.args.map((arg) => evaluateExpression(arg, source, context));
  args.forEach((arg, index) => {
    const problem = fn.checkArg?.(index, arg);
    if (problem) throw failure(source, `${fn.signature}: ${problem}`);
  });
  try {
    return fn.call(args, context);
  } catch (error) {
    throw failure(source, `${fn.signature}: ${(error as Error).message}`);
  }
}

function failure(source: string, reason: string): SubstitutionError {
  return new SubstitutionError(`\${${source}}`, reason);
}
