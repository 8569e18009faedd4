import { evaluateExpression, type EvaluationContext } from './expression-evaluator';
import { mapStringLeaves } from './string-leaves';
import { SubstitutionError } from './substitution-error';
import type { SubstitutionScope } from './substitution-scope';
import { parseTemplate } from './template';

export interface SubstituteOptions {
  /** JSON pointer of `value` in the enclosing document (e.g. "/steps/2/config"), prefixed to error paths. */
  pointer?: string;
  /** Clock for now() and nowMs(), epoch ms. */
  now?: () => number;
}

/**
 * Replaces `${...}` in every string inside `value` (keys are left alone) and returns a new value.
 * A string that is exactly one `${expr}` becomes the raw value, so numbers, booleans and objects keep
 * their type; text around an expression makes it interpolation (objects as JSON, null as "null").
 * Throws SubstitutionError on the first reference that cannot be resolved, with its JSON pointer.
 *
 * The result is typed `T` for convenience only: a string may have become a number or an object, which
 * is why step configs are validated after substitution.
 */
export function substitute<T>(value: T, scope: SubstitutionScope, options: SubstituteOptions = {}): T {
  const context: EvaluationContext = { scope, now: options.now ?? Date.now, jsonCache: new Map() };
  return mapStringLeaves(value, options.pointer ?? '', (text, pointer) => {
    try {
      return substituteString(text, context);
    } catch (error) {
      throw error instanceof SubstitutionError ? error.at(pointer) : error;
    }
  }) as T;
}

function substituteString(text: string, context: EvaluationContext): unknown {
  if (!text.includes('${')) return text;
  const parts = parseTemplate(text);
  if (parts.length === 1 && parts[0].kind === 'expression') {
    // A copy, so a later step mutating its config cannot change a stored result or a variable.
    return copyJson(evaluateExpression(parts[0].node, parts[0].source, context));
  }
  return parts
    .map((part) => (part.kind === 'text' ? part.text : toText(evaluateExpression(part.node, part.source, context), part.source)))
    .join('');
}

function toText(value: unknown, source: string): string {
  if (typeof value === 'string') return value;
  if (value === undefined) throw new SubstitutionError(`\${${source}}`, 'has no value to put into the text');
  if (value === null || typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function copyJson(value: unknown): unknown {
  return value !== null && typeof value === 'object' ? structuredClone(value) : value;
}
