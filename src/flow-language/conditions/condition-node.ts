import type { ExpressionNode } from '../substitution/expression-node';

export type ComparisonOperator = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in';

/** A parsed step `when` condition (see condition-parser.ts for the grammar). */
export type ConditionNode =
  | { kind: 'literal'; value: string | number | boolean | null }
  /** `${...}`: `source` is the text between the braces; `start`/`end` its span (with `${` and `}`) in the condition. */
  | { kind: 'reference'; source: string; node: ExpressionNode; start: number; end: number }
  | { kind: 'array'; items: ConditionNode[] }
  | { kind: 'not'; operand: ConditionNode }
  | { kind: 'logical'; operator: '&&' | '||'; left: ConditionNode; right: ConditionNode }
  | { kind: 'comparison'; operator: ComparisonOperator; left: ConditionNode; right: ConditionNode };
