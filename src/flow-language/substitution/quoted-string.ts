const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '0': '\0' };

/**
 * Reads a single- or double-quoted string starting at `start` (which must be the quote). Backslash
 * escapes a quote, a backslash, the usual control letters and `\uXXXX`; before any other character
 * the backslash is kept, so a regex inside a JSONPath filter such as `'/\d+/'` survives unchanged.
 * Returns null when the closing quote is missing.
 */
export function readQuotedString(text: string, start: number): { value: string; end: number } | null {
  const quote = text[start];
  let value = '';
  for (let i = start + 1; i < text.length; i++) {
    const char = text[i];
    if (char === quote) return { value, end: i + 1 };
    if (char !== '\\') {
      value += char;
      continue;
    }
    const next = text[++i];
    if (next === undefined) return null;
    if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) {
      value += String.fromCharCode(parseInt(text.slice(i + 1, i + 5), 16));
      i += 4;
    } else if (Object.hasOwn(ESCAPES, next)) {
      value += ESCAPES[next];
    } else if (next === quote || next === '\\' || next === '"' || next === "'") {
      value += next;
    } else {
      value += '\\' + next;
    }
  }
  return null;
}
