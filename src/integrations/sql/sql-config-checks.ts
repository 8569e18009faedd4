import { isPlainObject, problemsOf, type RawProblem } from '../../steps/shared/step-config-validators';
import { containsTemplateReference, toNamedParameters } from './sql-values';

export const TEMPLATE_IN_QUERY_MESSAGE =
  'must not contain ${...} references: a value pasted into SQL text can change the statement. ' +
  'Write a :name placeholder and pass the value in parameters, e.g. "query": "SELECT * FROM orders WHERE id = :id", ' +
  '"parameters": { "id": "${create.response.body.id}" }';

/**
 * Save-time checks the DTO cannot express: no `${...}` in the SQL text, and placeholders that match
 * the parameters (the same pure binding the step runs). The dialect is the resource's and unknown
 * here, so a placeholder mismatch is reported only when neither dialect's rules accept the query.
 */
export function checkSqlStepConfig(raw: Record<string, unknown>): RawProblem[] {
  const { query, parameters } = raw;
  if (typeof query !== 'string') return [];
  if (containsTemplateReference(query)) return [{ path: '/query', message: TEMPLATE_IN_QUERY_MESSAGE }];
  if (parameters !== undefined && !isPlainObject(parameters)) return [];
  const params = parameters as Record<string, unknown> | undefined;
  const postgres = problemsOf(() => toNamedParameters(query, params, 'postgres'));
  if (!postgres.length) return [];
  const mysql = problemsOf(() => toNamedParameters(query, params, 'mysql'));
  return mysql.length ? postgres : [];
}
