import type { JsonTextCache } from '../substitution/value-path';
import { ASSERTION_OPERATOR_SPECS } from './assertion-operators';
import type { Assertion, AssertionResult } from './assertion';
import { resolveAssertionPath } from './assertion-path';
import { formatValue } from './format-value';

/**
 * Checks every assertion against a step's JSON result. Never throws: a bad path, operator, expected
 * value or regex is a failed result whose message says what is wrong, so one typo does not hide the
 * other assertions' outcomes.
 */
export function evaluateAssertions(result: unknown, assertions: readonly Assertion[]): AssertionResult[] {
  const cache: JsonTextCache = new Map();
  return assertions.map((assertion) => evaluateAssertion(result, assertion, cache));
}

export function evaluateAssertion(result: unknown, assertion: Assertion, cache: JsonTextCache = new Map()): AssertionResult {
  const { path, operator, expected } = assertion;
  const outcome = (passed: boolean, message: string, actual?: unknown): AssertionResult => ({
    path,
    operator,
    expected,
    actual,
    passed,
    message: `${path}: ${message}`,
  });

  const spec = Object.hasOwn(ASSERTION_OPERATOR_SPECS, operator) ? ASSERTION_OPERATOR_SPECS[operator] : undefined;
  if (!spec) return outcome(false, `unknown operator ${JSON.stringify(operator)}`);
  const expectedProblem = spec.expectedProblem(expected);
  if (expectedProblem) return outcome(false, `invalid ${operator} assertion: the expected value ${expectedProblem}`);

  const resolved = resolveAssertionPath(result, path, cache);
  if ('invalid' in resolved) return outcome(false, resolved.invalid);
  const expectation = spec.expectation(expected);
  if (!resolved.found) {
    const detail = resolved.detail ? ` (${resolved.detail})` : '';
    if (operator === 'notExists') return outcome(true, `${expectation}, and it does not${detail}`);
    if (operator === 'exists') return outcome(false, `${expectation}${detail}`);
    return outcome(false, `${expectation} but it does not exist${detail}`);
  }

  const actual = resolved.value;
  const { passed, but } = spec.evaluate(actual, expected);
  const message = passed ? `${expectation}, was ${formatValue(actual)}` : `${expectation} ${but ?? `but was ${formatValue(actual)}`}`;
  return outcome(passed, message, actual);
}
