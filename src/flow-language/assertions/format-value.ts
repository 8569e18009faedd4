/** Longest rendering of a value inside a message; the full value is kept in the result's `actual`. */
const MAX_LENGTH = 200;

/** A value as it reads in an assertion message: strings quoted, objects as JSON, long ones shortened. */
export function formatValue(value: unknown): string {
  let text: string;
  if (value === undefined) {
    text = 'undefined';
  } else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH)}…` : text;
}
