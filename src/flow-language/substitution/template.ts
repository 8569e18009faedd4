import type { ExpressionNode } from './expression-node';
import { parseExpression } from './expression-parser';
import { readQuotedString } from './quoted-string';
import { SubstitutionError } from './substitution-error';

export type TemplatePart =
  | { kind: 'text'; text: string }
  /** `source` is the text between `${` and `}`. */
  | { kind: 'expression'; source: string; node: ExpressionNode };

/** Longest piece of an unterminated template quoted back in the error. */
const SNIPPET_LENGTH = 40;

/**
 * Splits a string into literal text and `${...}` expressions. `$${` is an escape for a literal `${`.
 * The closing `}` is the first one outside a quoted string, so a JSONPath argument may contain `}`.
 * Throws SubstitutionError on an unterminated `${` or an invalid expression.
 */
export function parseTemplate(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let literal = '';
  let index = 0;
  while (index < text.length) {
    const dollar = text.indexOf('$', index);
    if (dollar < 0) {
      literal += text.slice(index);
      break;
    }
    literal += text.slice(index, dollar);
    if (text.startsWith('$${', dollar)) {
      literal += '${';
      index = dollar + 3;
    } else if (text.startsWith('${', dollar)) {
      const close = findClosingBrace(text, dollar + 2);
      if (close < 0) {
        const snippet = text.slice(dollar, dollar + SNIPPET_LENGTH) + (text.length - dollar > SNIPPET_LENGTH ? '…' : '');
        throw new SubstitutionError(snippet, 'unterminated "${" (write "$${" for a literal "${")');
      }
      if (literal) parts.push({ kind: 'text', text: literal });
      literal = '';
      const source = text.slice(dollar + 2, close);
      parts.push({ kind: 'expression', source, node: parseExpression(source) });
      index = close + 1;
    } else {
      literal += '$';
      index = dollar + 1;
    }
  }
  if (literal) parts.push({ kind: 'text', text: literal });
  return parts;
}

/** The `}` closing a `${` whose text starts at `from` (quoted strings inside may hold one), or -1. */
export function findClosingBrace(text: string, from: number): number {
  for (let index = from; index < text.length; index++) {
    const char = text[index];
    if (char === '}') return index;
    if (char === '"' || char === "'") {
      const quoted = readQuotedString(text, index);
      if (!quoted) return -1;
      index = quoted.end - 1;
    }
  }
  return -1;
}
