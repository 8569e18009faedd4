/** A location in the flow document: object keys and array indexes, e.g. ['steps', 2, 'config', 'topic']. */
export type Path = ReadonlyArray<string | number>;

export function getIn(value: unknown, path: Path): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/**
 * A copy of `value` with `next` at `path` (parents created as objects or arrays as the key asks).
 * `undefined` removes an object key, so a cleared optional field disappears from the document instead
 * of being sent as an empty value.
 */
export function setIn(value: unknown, path: Path, next: unknown): unknown {
  if (path.length === 0) return next;
  const [key, ...rest] = path;
  if (typeof key === 'number') {
    const array = Array.isArray(value) ? [...value] : [];
    array[key] = setIn(array[key], rest, next);
    return array;
  }
  const object = value !== null && typeof value === 'object' && !Array.isArray(value) ? { ...(value as Record<string, unknown>) } : {};
  const child = setIn(object[key], rest, next);
  if (child === undefined) delete object[key];
  else object[key] = child;
  return object;
}

/** RFC 6901 pointer of a path, the form the API's validation problems use (`/steps/2/config/topic`). */
export function toPointer(path: Path): string {
  return path.map((key) => '/' + String(key).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}
