/** Longest rendering of a value inside a message; the full value is kept in the result's `actual`. */
const MAX_LENGTH = 200;

/** A value as it reads in an assertion message: strings quoted, objects as JSON, long ones shortened. */
export function formatValue(value: unknown): string {
  let text: string;
  if (value === undefined) {
    text = 'undefined';
  } else {
    try {
      // A long string is cut before it is quoted: an assertion on a 10 MB body must not copy the body to say so.
      text = JSON.stringify(typeof value === 'string' && value.length > MAX_LENGTH ? value.slice(0, MAX_LENGTH + 1) : value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH)}…` : text;
}
