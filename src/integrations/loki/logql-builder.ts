import { StepError } from '../../steps/step-plugin';
import { quotePromQLString } from '../../steps/shared/promql-string';

/**
 * Builds the LogQL log query of a Loki step from user fields. Every user value is embedded as a
 * double-quoted string literal escaped the way Loki's lexer unquotes it (Loki hands string tokens to
 * Prometheus' `strutil.Unquote`, i.e. Go string-literal rules — /work/shared/LOKI-API.md, "String
 * literals"), so no value can end the string or inject LogQL. The seed's builder interpolated raw
 * values (`s"""$k="$v""""`), which broke on the first quote in a log line.
 */

export interface LogQueryInput {
  labels: Record<string, string>;
  /** Added as `namespace="…"` unless `labels` already has a namespace (then labels win). */
  namespace?: string;
  /** Each one must appear in the line: `|= "…"` (literal, case-sensitive). */
  containsPatterns?: string[];
  /** None may appear in the line: `!= "…"`. */
  notContainsPatterns?: string[];
  /** Each RE2 regex must match somewhere in the line (not anchored): `|~ "…"`. Passed to Loki as written. */
  regexPatterns?: string[];
}

/** Label names as Loki (and Prometheus) accept them. */
export const LABEL_NAME_PATTERN = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * `{namespace="prod", app="api"} |= "error" != "healthcheck" |~ "took [0-9]+ms"`.
 * Matchers keep the order given (namespace first); filters go contains, not-contains, regex — Loki
 * ANDs them, so the order changes nothing but readability.
 */
export function buildLogQuery(input: LogQueryInput): string {
  const labels = input.labels ?? {};
  if (typeof labels !== 'object' || Array.isArray(labels)) {
    throw new StepError('labels: expected an object of label name → value', { field: 'labels' });
  }
  const matchers: Array<{ name: string; value: unknown; field: string }> = [];
  const namespace = input.namespace;
  if (namespace !== undefined && namespace !== null && namespace !== '' && !Object.hasOwn(labels, 'namespace')) {
    matchers.push({ name: 'namespace', value: namespace, field: 'namespace' });
  }
  for (const [name, value] of Object.entries(labels)) matchers.push({ name, value, field: `labels.${name}` });

  for (const { name, value, field } of matchers) {
    if (!LABEL_NAME_PATTERN.test(name)) {
      throw new StepError(
        `labels: "${name}" is not a valid Loki label name (letters, digits and underscores, not starting with a digit)`,
        { field: 'labels' },
      );
    }
    if (typeof value !== 'string') {
      throw new StepError(`${field}: label values must be strings, got ${value === null ? 'null' : typeof value}`, { field });
    }
  }
  // Loki refuses a selector whose every matcher also matches the empty string ("queries require at
  // least one regexp or equality matcher that does not have an empty-compatible value"). We only emit
  // `=`, so that means at least one non-empty value; say it in the user's terms instead of a 400.
  if (!matchers.some(({ value }) => value !== '')) {
    throw new StepError(
      'labels: Loki needs at least one label with a non-empty value to select streams (e.g. { "app": "orders" }) or a namespace',
      { field: 'labels' },
    );
  }
  const selector = `{${matchers.map(({ name, value, field }) => `${name}=${quoteLogQLString(value as string, field)}`).join(', ')}}`;

  const filters = [
    ...lineFilters('|=', input.containsPatterns, 'containsPatterns'),
    ...lineFilters('!=', input.notContainsPatterns, 'notContainsPatterns'),
    ...lineFilters('|~', input.regexPatterns, 'regexPatterns'),
  ];
  return [selector, ...filters].join(' ');
}

function lineFilters(operator: '|=' | '!=' | '|~', patterns: string[] | undefined, field: string): string[] {
  if (patterns === undefined || patterns === null) return [];
  if (!Array.isArray(patterns)) throw new StepError(`${field}: expected a list of strings`, { field });
  return patterns.map((pattern, index) => {
    const at = `${field}[${index}]`;
    if (typeof pattern !== 'string') throw new StepError(`${at}: expected a string, got ${pattern === null ? 'null' : typeof pattern}`, { field: at });
    // An empty filter matches every line (or, for !=, none): almost always a variable that resolved to ''.
    if (pattern === '') throw new StepError(`${at}: must not be empty`, { field: at });
    return `${operator} ${quoteLogQLString(pattern, at)}`;
  });
}

/** A double-quoted LogQL string literal holding exactly `value` (same literal rules as PromQL). */
export function quoteLogQLString(value: string, field = 'value'): string {
  return quotePromQLString(value, field);
}
