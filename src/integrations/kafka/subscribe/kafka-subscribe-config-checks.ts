import { isPlainObject, problemsOf, type RawProblem } from '../../../steps/shared/step-config-validators';
import { createMessageMatcher, type MessagePattern } from '../../../steps/shared/message-matcher';

/**
 * A JSONPath that cannot compile is reported on save, with the same check the step runs; a pattern
 * still holding `${...}` is checked after substitution.
 */
export function checkKafkaSubscribeStepConfig(raw: Record<string, unknown>): RawProblem[] {
  const search = raw.searchPattern;
  if (!isPlainObject(search) || typeof search.pattern !== 'string' || search.pattern === '' || search.pattern.includes('${')) return [];
  if (search.matchType !== 'exact' && search.matchType !== 'contains' && search.matchType !== 'jsonpath') return []; // header: the DTO checks its fields
  return problemsOf(() => createMessageMatcher(search as unknown as MessagePattern));
}
