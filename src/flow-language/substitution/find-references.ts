import type { ExpressionNode, ReferenceNode } from './expression-node';
import { ENV_ROOT, EXECUTION_ROOT } from './expression-node';
import { visitStringLeaves } from './string-leaves';
import { SubstitutionError } from './substitution-error';
import { parseTemplate } from './template';
import { formatValuePath } from './value-path';

export type ReferenceKind = 'variable' | 'step' | 'env' | 'execution' | 'function';

export interface FoundReference {
  /** The text inside `${...}`, trimmed. */
  expression: string;
  /** Variable or step name the reference starts from (also inside function arguments); the NAME of `env.NAME`; the field of `execution.<field>`; null for a call without references. */
  root: string | null;
  kind: ReferenceKind;
  /** Every function the expression calls, outermost first. */
  functionNames: string[];
  /** JSON pointer of the string holding the expression. */
  pointer: string;
  /** Path after the root (`response.body.id`), '' when none; lets a validator check `response`/`request`/`status`. */
  fieldPath: string;
}

export interface FindReferencesOptions {
  /** Names of the flow's steps: with them a root is a step exactly when it is listed. Pass a Set when calling per string of a flow (it is used as is). */
  stepNames?: Iterable<string>;
  /** JSON pointer of `value` in the enclosing document, prefixed to every pointer. */
  pointer?: string;
}

/** First path names that mark a step reference when step names are not given. */
const STEP_FIELDS = new Set(['response', 'request', 'status']);

/**
 * Every `${...}` reference inside `value`, for validating a flow on save: one entry per distinct
 * root reference of each expression, or one `function` entry when an expression reads nothing
 * (`${uuid()}`). Throws SubstitutionError, with the pointer, on the first malformed expression.
 */
export function findReferences(value: unknown, options: FindReferencesOptions = {}): FoundReference[] {
  // A Set is used as given: a flow's validation calls this once per string, and copying the names each
  // time made saving an n-step flow O(n²).
  const stepNames = options.stepNames instanceof Set ? (options.stepNames as ReadonlySet<string>) : options.stepNames ? new Set(options.stepNames) : undefined;
  const found: FoundReference[] = [];
  visitStringLeaves(value, options.pointer ?? '', (text, pointer) => {
    if (!text.includes('${')) return;
    let parts;
    try {
      parts = parseTemplate(text);
    } catch (error) {
      throw error instanceof SubstitutionError ? error.at(pointer) : error;
    }
    for (const part of parts) {
      if (part.kind !== 'expression') continue;
      const expression = part.source.trim();
      const functionNames = [...new Set(collectFunctionNames(part.node))];
      const references = collectReferences(part.node);
      if (references.length === 0) {
        found.push({ expression, root: null, kind: 'function', functionNames, pointer, fieldPath: '' });
      }
      const seen = new Set<string>();
      for (const reference of references) {
        const entry = describeReference(reference, stepNames);
        const key = `${entry.kind}\0${entry.root}\0${entry.fieldPath}`;
        if (seen.has(key)) continue;
        seen.add(key);
        found.push({ expression, functionNames, pointer, ...entry });
      }
    }
  });
  return found;
}

function describeReference(
  { root, path }: ReferenceNode,
  stepNames: ReadonlySet<string> | undefined,
): Pick<FoundReference, 'root' | 'kind' | 'fieldPath'> {
  if (root === ENV_ROOT) return { root: String(path[0]), kind: 'env', fieldPath: '' };
  if (root === EXECUTION_ROOT) return { root: String(path[0]), kind: 'execution', fieldPath: '' };
  const isStep = stepNames ? stepNames.has(root) : typeof path[0] === 'string' && STEP_FIELDS.has(path[0]);
  return { root, kind: isStep ? 'step' : 'variable', fieldPath: formatValuePath(path) };
}

function collectReferences(node: ExpressionNode): ReferenceNode[] {
  if (node.kind === 'reference') return [node];
  if (node.kind === 'call') return node.args.flatMap(collectReferences);
  return [];
}

function collectFunctionNames(node: ExpressionNode): string[] {
  return node.kind === 'call' ? [node.name, ...node.args.flatMap(collectFunctionNames)] : [];
}
