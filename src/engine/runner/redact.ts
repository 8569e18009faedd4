import { REDACTED, redactText } from '../../resources/secret-redaction';

const SECRET_KEY = /pass(word)?|secret|token|api[-_]?key|authorization|credential|cookie/i;

/**
 * Copies a substituted step config for storage: values under secret-looking keys and any occurrence of
 * the resource's secret values are masked, so a stored request never carries a credential.
 */
export function redactRequest(value: unknown, secretValues: readonly string[] = []): unknown {
  const walk = (v: unknown, key?: string): unknown => {
    if (typeof v === 'string') return key && SECRET_KEY.test(key) ? REDACTED : redactText(v, secretValues);
    if (Array.isArray(v)) return v.map((item) => walk(item));
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, walk(item, k)]));
    }
    return v;
  };
  return walk(value);
}
