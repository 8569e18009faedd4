import { getPath, joinPath, pathSegments, type SecretValues } from './secret-fields';
import { urlSecretParts } from './url-credentials';

/** What replaces a secret value in stored step requests, responses, errors and connection-test messages. */
export const REDACTED = '[REDACTED]';

/**
 * Shorter secret values are not redacted: replacing every `a` or `42` would wreck each stored response
 * while hiding next to nothing (a 3-character secret falls to guessing anyway).
 */
export const MIN_REDACTED_LENGTH = 4;

/**
 * Every string that would give a resource's secrets away: each value as it is, percent-encoded (in a
 * URL or a form), the credentials inside a secret URL, and the `base64(user:password)` of Basic auth
 * for a password next to a `username`/`user`. Longest first, so a value is not half-replaced by a
 * shorter one it contains.
 */
export function redactionValues(secrets: SecretValues, config: Record<string, unknown>): string[] {
  const values = new Set<string>();
  for (const [path, value] of Object.entries(secrets)) {
    values.add(value);
    values.add(encodeURIComponent(value));
    urlSecretParts(value).forEach((part) => values.add(part));
    const segments = pathSegments(path);
    if (/password$/i.test(segments[segments.length - 1])) {
      const parent = segments.slice(0, -1);
      for (const userKey of ['username', 'user']) {
        const user = getPath(config, joinPath(...parent, userKey));
        if (typeof user === 'string') values.add(Buffer.from(`${user}:${value}`).toString('base64'));
      }
    }
  }
  return [...values].filter((v) => v.length >= MIN_REDACTED_LENGTH).sort((a, b) => b.length - a.length);
}

/** Replaces every occurrence of the values (see `redactionValues`) in a text. */
export function redactText(text: string, values: readonly string[]): string {
  let result = text;
  for (const value of values) if (value.length >= MIN_REDACTED_LENGTH) result = result.split(value).join(REDACTED);
  return result;
}

/** A JSON value with the secret values redacted from every string in it (keys too: headers echo names and values). */
export function redactDeep(value: unknown, values: readonly string[]): unknown {
  if (!values.length) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redactText(v, values);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, item]) => [redactText(k, values), walk(item)]));
    return v;
  };
  return walk(value);
}
