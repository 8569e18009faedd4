/** One difference between an expected and an actual JSON value, at a path like `body.items[0].id`. */
export interface JsonDifference {
  path: string;
  kind: 'changed' | 'missing' | 'extra';
  expected?: unknown;
  actual?: unknown;
}

/**
 * A small structural diff for showing a failed assertion: walks objects and arrays and lists the
 * leaves that differ (missing in actual, extra in actual, changed). Stops after `limit` differences.
 */
export function structuralDiff(expected: unknown, actual: unknown, limit = 50): JsonDifference[] {
  const out: JsonDifference[] = [];
  walk(expected, actual, '', out, limit);
  return out;
}

function walk(expected: unknown, actual: unknown, path: string, out: JsonDifference[], limit: number): void {
  if (out.length >= limit) return;
  if (isContainer(expected) && isContainer(actual) && Array.isArray(expected) === Array.isArray(actual)) {
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
    for (const key of keys) {
      const child = Array.isArray(expected) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
      const inExpected = Object.hasOwn(expected, key);
      const inActual = Object.hasOwn(actual, key);
      const e = (expected as Record<string, unknown>)[key];
      const a = (actual as Record<string, unknown>)[key];
      if (!inActual) out.push({ path: child, kind: 'missing', expected: e });
      else if (!inExpected) out.push({ path: child, kind: 'extra', actual: a });
      else walk(e, a, child, out, limit);
      if (out.length >= limit) return;
    }
    return;
  }
  if (JSON.stringify(expected) !== JSON.stringify(actual)) out.push({ path: path || '(value)', kind: 'changed', expected, actual });
}

function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  return value !== null && typeof value === 'object';
}

/** Worth a diff: both sides are objects or arrays (a scalar mismatch is already clear from the values). */
export function isStructured(expected: unknown, actual: unknown): boolean {
  return isContainer(expected) && isContainer(actual);
}
