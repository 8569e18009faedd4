import type { JsonTypeName } from '../substitution/json-type';

export const ASSERTION_OPERATORS = [
  'equals',
  'notEquals',
  'contains',
  'notContains',
  'matches',
  'gt',
  'gte',
  'lt',
  'lte',
  'exists',
  'notExists',
  'in',
  'notIn',
  'lengthEquals',
  'isType',
] as const;

export type AssertionOperator = (typeof ASSERTION_OPERATORS)[number];

/** Type names `isType` accepts; 'array' and 'null' are told apart from 'object'. */
export const ASSERTION_VALUE_TYPES: readonly JsonTypeName[] = ['string', 'number', 'boolean', 'object', 'array', 'null'];

/** One check on a step's JSON result, e.g. `{ path: 'status', operator: 'equals', expected: 201 }`. */
export interface Assertion {
  /** Plain path (`body.items[0].id`, `headers.content-type`, `headers["x.y"]`) or a JSONPath starting with `$`. */
  path: string;
  operator: AssertionOperator;
  expected?: unknown;
}

/** What is stored and shown for one assertion of one step attempt. */
export interface AssertionResult {
  path: string;
  operator: AssertionOperator;
  expected: unknown;
  /** The value found at `path`; undefined when nothing is there. */
  actual: unknown;
  passed: boolean;
  /** `status: expected 201 but was 500` */
  message: string;
}
