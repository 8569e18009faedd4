import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { StepError } from '../step-plugin';

/**
 * What a search over a window of messages (a subscribe-type step: Kafka now, AMQP, MQTT, NATS… later;
 * also a log search) expects to find: `some` (the default) — at least one match; `none` — the window
 * passes in silence and any match is the failure. Every such step judges its search with the
 * functions below so "none" means the same everywhere: the whole window is watched before it passes,
 * the first match fails at once with that match, and a broker or query error stays an error.
 */
export const SEARCH_EXPECTATIONS = ['some', 'none'] as const;
export type SearchExpectation = (typeof SEARCH_EXPECTATIONS)[number];

/** The `config.expect` property of a step config DTO: validation, catalogue and Swagger in one. */
export function ExpectProperty(what: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      enum: SEARCH_EXPECTATIONS,
      default: 'some',
      example: 'none',
      description: `\`some\`: the step needs at least one matching ${what}. \`none\`: the step watches its whole window and passes only if no matching ${what} turned up (result with no ${what}s); the first matching ${what} fails it and is shown in the error and the result. An error of the source (unreachable, refused, unknown) is an error either way, never a pass.`,
    }),
    IsOptional(),
    IsIn(SEARCH_EXPECTATIONS),
  );
}

export interface MatchRules {
  /** `some` only: keep collecting after the first match. */
  matchAll: boolean;
  /** `some` only: the most matches collected. */
  limit: number;
}

/** After a match has been collected (matchedCount includes it): listen on, pass now, or fail now with it. */
export function judgeMatch(expect: SearchExpectation, matchedCount: number, rules: MatchRules): 'listen' | 'pass' | 'fail' {
  if (expect === 'none') return 'fail';
  return !rules.matchAll || matchedCount >= rules.limit ? 'pass' : 'listen';
}

/** When the window has ended without the search finishing earlier. */
export function judgeWindowEnd(expect: SearchExpectation, matchedCount: number): 'pass' | 'fail' {
  if (expect === 'none') return matchedCount === 0 ? 'pass' : 'fail';
  return matchedCount > 0 ? 'pass' : 'fail';
}

/** Characters of an offending item quoted in an error message (the whole item is in the result). */
export const OFFENDING_EXCERPT_CHARS = 300;

/** JSON of the item, cut to `max` characters with the cut said. */
export function excerptOf(item: unknown, max = OFFENDING_EXCERPT_CHARS): string {
  const text = typeof item === 'string' ? item : (JSON.stringify(item) ?? String(item));
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/**
 * The failure of an `expect: "none"` search: `what` says what was searched ("a message on topic
 * \"orders\" that matched …"), `offending` is quoted (truncated), and `result` — the step's result
 * holding the offending items — travels in `details.result`, which the engine stores as the response.
 * `details.final`: the engine does not retry it — a new search from "now" would no longer see the
 * offending item and could pass.
 */
export function unexpectedMatchError(what: string, offending: readonly unknown[], result: Record<string, unknown>): StepError {
  const first = offending[0];
  const more = offending.length > 1 ? ` (and ${offending.length - 1} more)` : '';
  return new StepError(`expected no ${what}, but found: ${excerptOf(first)}${more}`, { reason: 'unexpected-match', final: true, result });
}
