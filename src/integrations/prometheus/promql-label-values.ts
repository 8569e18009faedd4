import { StepError } from '../../steps/step-plugin';
import { quotePromQLString } from '../../steps/shared/promql-string';

/**
 * `$name` placeholders in a PromQL query, replaced by the escaped string literal of
 * `labelValues.name`: `http_requests_total{service=$service}` with `{ service: 'a"b' }` becomes
 * `http_requests_total{service="a\"b"}`.
 *
 * Why: the engine's `${...}` substitution pastes text into the query verbatim, so a value holding a
 * quote or a backslash breaks the query or changes its meaning. A value passed through `labelValues`
 * (which may itself be `${create.response.body.service}`) is always one string literal. `$` appears
 * nowhere in PromQL outside strings and comments, so a placeholder cannot be mistaken for PromQL,
 * and `$` inside a string literal (`=~"foo$"`) or a `#` comment is left alone.
 */

const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*/y;

export interface Placeholder {
  name: string;
  /** Offset of the `$`. */
  index: number;
}

/** Every `$name` outside string literals ("…", '…', `…`) and comments, in order. */
export function findPlaceholders(query: string): Placeholder[] {
  const found: Placeholder[] = [];
  let index = 0;
  while (index < query.length) {
    const char = query[index];
    if (char === '"' || char === "'") {
      index = skipQuoted(query, index, char);
    } else if (char === '`') {
      const close = query.indexOf('`', index + 1);
      index = close < 0 ? query.length : close + 1;
    } else if (char === '#') {
      const newline = query.indexOf('\n', index);
      index = newline < 0 ? query.length : newline + 1;
    } else if (char === '$') {
      IDENTIFIER.lastIndex = index + 1;
      const match = IDENTIFIER.exec(query);
      if (match) {
        found.push({ name: match[0], index });
        index += 1 + match[0].length;
      } else {
        index++;
      }
    } else {
      index++;
    }
  }
  return found;
}

function skipQuoted(query: string, start: number, quote: string): number {
  let index = start + 1;
  while (index < query.length && query[index] !== quote) index += query[index] === '\\' ? 2 : 1;
  return Math.min(index + 1, query.length);
}

/** Replaces every placeholder; a placeholder without a value is an error naming the defined ones. */
export function applyLabelValues(query: string, labelValues: Record<string, string> | undefined): string {
  const values = labelValues ?? {};
  const placeholders = findPlaceholders(query);
  const missing = [...new Set(placeholders.map((p) => p.name).filter((name) => !Object.hasOwn(values, name)))];
  if (missing.length) {
    const defined = Object.keys(values);
    throw new StepError(
      `query uses ${missing.map((name) => `$${name}`).join(', ')} but labelValues defines ${defined.length ? defined.map((name) => `"${name}"`).join(', ') : 'nothing'}; add ${missing.map((name) => `"${name}"`).join(', ')} to labelValues`,
      { field: 'labelValues' },
    );
  }
  let out = '';
  let from = 0;
  for (const { name, index } of placeholders) {
    out += query.slice(from, index) + quotePromQLString(values[name], `labelValues.${name}`);
    from = index + 1 + name.length;
  }
  return out + query.slice(from);
}
