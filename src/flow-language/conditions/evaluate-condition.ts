import { formatValue } from '../assertions/format-value';
import { compareForOrder } from '../assertions/value-ordering';
import { valuesEqual } from '../assertions/value-equality';
import { evaluateExpression, type EvaluationContext } from '../substitution/expression-evaluator';
import type { SubstitutionScope } from '../substitution/substitution-scope';
import { ConditionEvaluationError } from './condition-error';
import type { ConditionNode } from './condition-node';
import { conditionReferences } from './condition-parser';

export interface ConditionOutcome {
  value: boolean;
  /** The condition as written with every `${...}` replaced by the value it read: `150 > 100 && "us" == 'eu'`. */
  evaluated: string;
}

/**
 * Evaluates a parsed `when` condition against the run's scope. `&&` and `||` short-circuit, so
 * `${a.status} == 'SUCCESS' && ${a.response.body.x} > 1` does not read a skipped step's response.
 * Equality is the assertions' (deep, a numeric string equals its number, either side); ordering
 * compares numbers or ISO dates; `in` tests membership in an array or a substring of a text.
 * Throws SubstitutionError for a reference that cannot be read, ConditionEvaluationError for
 * operands of the wrong type.
 */
export function evaluateCondition(text: string, node: ConditionNode, scope: SubstitutionScope, now: () => number = Date.now): ConditionOutcome {
  const read = new Map<ConditionNode, unknown>();
  const context: EvaluationContext = { scope, now, jsonCache: new Map() };
  const value = evaluate(node, context, read);
  if (typeof value !== 'boolean') throw new ConditionEvaluationError(`the condition gives ${formatValue(value)}, not true or false`);
  return { value, evaluated: render(text, node, read) };
}

function evaluate(node: ConditionNode, context: EvaluationContext, read: Map<ConditionNode, unknown>): unknown {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'reference': {
      const value = evaluateExpression(node.node, node.source, context);
      read.set(node, value);
      return value;
    }
    case 'array':
      return node.items.map((item) => evaluate(item, context, read));
    case 'not':
      return !truth(evaluate(node.operand, context, read), '!');
    case 'logical': {
      const left = truth(evaluate(node.left, context, read), node.operator);
      if (node.operator === '&&' ? !left : left) return left;
      return truth(evaluate(node.right, context, read), node.operator);
    }
    case 'comparison':
      return compare(node.operator, evaluate(node.left, context, read), evaluate(node.right, context, read));
  }
}

function truth(value: unknown, operator: string): boolean {
  if (typeof value === 'boolean') return value;
  throw new ConditionEvaluationError(`${operator} needs true or false, got ${formatValue(value)}`);
}

function compare(operator: string, left: unknown, right: unknown): boolean {
  switch (operator) {
    case '==':
      return valuesEqual(left, right) || valuesEqual(right, left);
    case '!=':
      return !(valuesEqual(left, right) || valuesEqual(right, left));
    case 'in':
      if (Array.isArray(right)) return right.some((item) => valuesEqual(left, item) || valuesEqual(item, left));
      if (typeof right === 'string' && typeof left === 'string') return right.includes(left);
      throw new ConditionEvaluationError(`"in" needs an array (or a text) on its right, got ${formatValue(right)}`);
    default: {
      // Either side may be the numeric string (SQL drivers, headers); compareForOrder wants the number right.
      const order = typeof left === 'number' && typeof right === 'string' ? negate(compareForOrder(right, left)) : compareForOrder(left, right);
      if ('problem' in order) throw new ConditionEvaluationError(`cannot compare ${formatValue(left)} ${operator} ${formatValue(right)}: only numbers or ISO dates are ordered`);
      const d = order.difference;
      return operator === '<' ? d < 0 : operator === '<=' ? d <= 0 : operator === '>' ? d > 0 : d >= 0;
    }
  }
}

function negate(order: { difference: number } | { problem: string }): { difference: number } | { problem: string } {
  return 'difference' in order ? { difference: -order.difference } : order;
}

/** The condition text with each reference that was read replaced by its value (unread ones stay as written). */
function render(text: string, node: ConditionNode, read: Map<ConditionNode, unknown>): string {
  let out = '';
  let at = 0;
  for (const reference of conditionReferences(node)) {
    if (!read.has(reference)) continue;
    out += text.slice(at, reference.start) + formatValue(read.get(reference));
    at = reference.end;
  }
  return out + text.slice(at);
}
