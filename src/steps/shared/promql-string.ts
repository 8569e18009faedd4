import { StepError } from '../step-plugin';

/**
 * Double-quoted string literals as PromQL and LogQL read them. Both lexers hand the literal to
 * Prometheus' `strutil.Unquote`, a copy of Go's `strconv.Unquote`: a raw newline is a syntax error and
 * only Go escapes are allowed (`\\ \" \n \r \t \a \b \f \v \xNN \NNN \uNNNN \UNNNNNNNN`); anything
 * else (`\d`, `\.`, `\'`) is a parse error. See /work/shared/LOKI-API.md, "String literals".
 *
 * So user text is embedded by escaping backslash and double quote, writing newline/CR/tab as
 * `\n`/`\r`/`\t` and any other ASCII control character as `\xNN` (valid Go, and it keeps the query
 * printable). Everything else, non-ASCII included, is sent as UTF-8, which Go strings accept as is.
 */

// An unpaired UTF-16 surrogate has no UTF-8 form: encodeURIComponent throws on it and Go's Unquote
// rejects `\uD800`. Refuse it with a message instead of failing somewhere in the HTTP client.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Escapes text for use between double quotes in PromQL (`{job="<here>"}`); the quotes are not added. */
export function escapePromQLLabelValue(value: string, field = 'value'): string {
  if (typeof value !== 'string') {
    throw new StepError(`${field}: expected a string, got ${value === null ? 'null' : typeof value}`, { field });
  }
  if (LONE_SURROGATE.test(value)) {
    throw new StepError(`${field}: contains an unpaired UTF-16 surrogate, which cannot be sent as UTF-8`, { field });
  }
  let out = '';
  for (const char of value) {
    switch (char) {
      case '\\':
        out += '\\\\';
        break;
      case '"':
        out += '\\"';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\t':
        out += '\\t';
        break;
      default: {
        const code = char.codePointAt(0)!;
        out += code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : char;
      }
    }
  }
  return out;
}

/** The complete double-quoted literal, e.g. `say "hi"` → `"say \"hi\""`. */
export function quotePromQLString(value: string, field = 'value'): string {
  return `"${escapePromQLLabelValue(value, field)}"`;
}
