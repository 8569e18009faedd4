import type { FieldProblem } from '../common/errors/app.exception';
import type { SecretField, SecretFieldsSpec } from './resource-type';

/** Secret values of one resource by dotted path, e.g. `{"sasl.password": "s3cret"}`. */
export type SecretValues = Record<string, string>;

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Segments of a dotted path. A segment holding `.` or `~` (a header name such as `X.Trace`) is
 * written with `~1` for `.` and `~0` for `~`, as JSON Pointer does for `/`; plain paths are unchanged.
 */
export function pathSegments(path: string): string[] {
  return path.split('.').map((segment) => segment.replace(/~1/g, '.').replace(/~0/g, '~'));
}

/** The dotted path of these segments (see `pathSegments`). */
export function joinPath(...segments: string[]): string {
  return segments.map((segment) => segment.replace(/~/g, '~0').replace(/\./g, '~1')).join('.');
}

/** The secret fields of a type for one config: the static list, or what the type's function derives from the config. */
export function secretFieldsOf(spec: SecretFieldsSpec, config: unknown): SecretField[] {
  // A config that is not an object (`null` sent in a PATCH) is the DTO's to refuse, with a 400.
  return typeof spec === 'function' ? spec(isObject(config) ? config : {}) : spec;
}

export function getPath(target: unknown, path: string): unknown {
  let current = target;
  for (const segment of pathSegments(path)) {
    if (!isObject(current)) return undefined;
    current = current[segment];
  }
  return current;
}

/** The object that holds the last segment of `path`, or undefined when an ancestor is missing. */
function parentOf(target: JsonObject, path: string): { parent: JsonObject; key: string } | undefined {
  const segments = pathSegments(path);
  const key = segments.pop()!;
  let current: unknown = target;
  for (const segment of segments) {
    if (!isObject(current)) return undefined;
    current = current[segment];
  }
  return isObject(current) ? { parent: current, key } : undefined;
}

/** True when the object holding the path's last segment has that key (even with an undefined or null value). */
export function hasPath(target: JsonObject, path: string): boolean {
  const at = parentOf(target, path);
  return !!at && Object.prototype.hasOwnProperty.call(at.parent, at.key);
}

function applies(field: SecretField, config: JsonObject): boolean {
  if (!field.appliesWhen) return true;
  const value = getPath(config, field.appliesWhen.field);
  return typeof value === 'string' && field.appliesWhen.in.includes(value);
}

function describeCondition(field: SecretField): string {
  const { field: on, in: values } = field.appliesWhen!;
  return `only allowed when ${on} is ${values.join(' or ')}`;
}

/** What a masked secret shows instead of its value (a whole header value, a URL's password or token). */
export const MASKED = '***';

/**
 * Builds the full config an update means, with PATCH semantics for secrets: a secret field that is
 * absent keeps the stored value (if its parent object is still there), an explicit `null` clears it,
 * a value replaces it. A stored secret that no longer applies (auth switched from basic to bearer) is
 * dropped; one sent explicitly where it does not apply is a problem. A masked field (it stays in the
 * public config as its mask) keeps the stored value when it comes back exactly as masked; sent with
 * `***` placeholders of a value not stored, it is a problem; absent, it is gone. Non-secret fields are
 * taken from `incoming` as they are: the caller validates the result with the type's DTO. `kept` lists
 * the paths whose value came from storage, not from the caller.
 */
export function mergeSecretUpdate(
  incoming: JsonObject,
  stored: SecretValues,
  fields: SecretField[],
): { config: JsonObject; problems: FieldProblem[]; kept: string[] } {
  const config = structuredClone(incoming);
  const problems: FieldProblem[] = [];
  const kept: string[] = [];
  for (const field of fields) {
    const at = parentOf(config, field.path);
    if (field.mask) {
      const value = at?.parent[at.key];
      if (typeof value !== 'string') continue;
      const storedValue = stored[field.path];
      if (storedValue !== undefined && value === field.mask(storedValue)) {
        at!.parent[at!.key] = storedValue;
        kept.push(field.path);
      } else if (value.includes(MASKED) && field.mask(value) === value) {
        problems.push({ field: field.path, message: `holds ${MASKED} placeholders of a value that is not stored; send the value itself` });
      }
      continue;
    }
    const explicit = hasPath(config, field.path);
    if (explicit && at!.parent[at!.key] === null) {
      delete at!.parent[at!.key];
      continue;
    }
    const keep = !explicit && !!at && stored[field.path] !== undefined;
    if (keep) at.parent[at.key] = stored[field.path];
    if (!at || at.parent[at.key] === undefined || applies(field, config)) {
      if (keep) kept.push(field.path);
      continue;
    }
    if (explicit) problems.push({ field: field.path, message: describeCondition(field) });
    else delete at.parent[at.key];
  }
  return { config, problems, kept };
}

/**
 * Splits a validated config into what is stored as jsonb and the secrets that are encrypted. A masked
 * field stays in the public config as its mask; other secret fields leave it.
 */
export function splitSecrets(config: JsonObject, fields: SecretField[]): { publicConfig: JsonObject; secrets: SecretValues } {
  const publicConfig = structuredClone(config);
  const secrets: SecretValues = {};
  for (const field of fields) {
    const at = parentOf(publicConfig, field.path);
    if (!at || !Object.prototype.hasOwnProperty.call(at.parent, at.key)) continue;
    const value = at.parent[at.key];
    if (field.mask && typeof value === 'string') at.parent[at.key] = field.mask(value);
    else delete at.parent[at.key];
    if (typeof value === 'string') secrets[field.path] = value;
  }
  return { publicConfig, secrets };
}

/** The full config a worker uses: stored config with the decrypted secrets put back in place. */
export function mergeSecrets(publicConfig: JsonObject, secrets: SecretValues): JsonObject {
  const config = structuredClone(publicConfig);
  for (const [path, value] of Object.entries(secrets)) {
    const at = parentOf(config, path);
    if (at) at.parent[at.key] = value;
  }
  return config;
}

/** Which applicable secret fields are set — what responses show instead of the values. */
export function secretStatus(publicConfig: JsonObject, setPaths: readonly string[], fields: SecretField[]): Record<string, boolean> {
  const status: Record<string, boolean> = {};
  for (const field of fields) {
    if (field.mask) status[field.path] = typeof getPath(publicConfig, field.path) === 'string';
    else if (applies(field, publicConfig) && parentOf(publicConfig, field.path)) status[field.path] = setPaths.includes(field.path);
  }
  return status;
}

/**
 * Values of masked fields that a stored config still holds in the clear: rows written before the field
 * became secret (plain http headers, tokens in a base URL). They keep working, are masked in responses
 * (`maskSecrets`) and are encrypted by the next update, which keeps them like stored secrets.
 */
export function plainSecretsIn(publicConfig: JsonObject, fields: SecretField[]): SecretValues {
  const plain: SecretValues = {};
  for (const field of fields) {
    const value = getPath(publicConfig, field.path);
    if (field.mask && typeof value === 'string' && field.mask(value) !== value) plain[field.path] = value;
  }
  return plain;
}

/** A stored config as responses show it: masked fields masked even where an old row holds them in the clear. */
export function maskSecrets(publicConfig: JsonObject, fields: SecretField[]): JsonObject {
  const masked = structuredClone(publicConfig);
  for (const field of fields) {
    const at = parentOf(masked, field.path);
    const value = at?.parent[at.key];
    if (field.mask && typeof value === 'string') at!.parent[at!.key] = field.mask(value);
  }
  return masked;
}
