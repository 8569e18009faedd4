import type { FieldProblem } from '../common/errors/app.exception';
import type { SecretField } from './resource-type';

/** Secret values of one resource by dotted path, e.g. `{"sasl.password": "s3cret"}`. */
export type SecretValues = Record<string, string>;

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

export function getPath(target: unknown, path: string): unknown {
  let current = target;
  for (const segment of path.split('.')) {
    if (!isObject(current)) return undefined;
    current = current[segment];
  }
  return current;
}

/** The object that holds the last segment of `path`, or undefined when an ancestor is missing. */
function parentOf(target: JsonObject, path: string): { parent: JsonObject; key: string } | undefined {
  const segments = path.split('.');
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

/**
 * Builds the full config an update means, with PATCH semantics for secrets: a secret field that is
 * absent keeps the stored value (if its parent object is still there), an explicit `null` clears it,
 * a value replaces it. A stored secret that no longer applies (auth switched from basic to bearer) is
 * dropped; one sent explicitly where it does not apply is a problem. Non-secret fields are taken from
 * `incoming` as they are: the caller validates the result with the type's DTO.
 */
export function mergeSecretUpdate(
  incoming: JsonObject,
  stored: SecretValues,
  fields: SecretField[],
): { config: JsonObject; problems: FieldProblem[] } {
  const config = structuredClone(incoming);
  const problems: FieldProblem[] = [];
  for (const field of fields) {
    const at = parentOf(config, field.path);
    const explicit = hasPath(config, field.path);
    if (explicit && at!.parent[at!.key] === null) {
      delete at!.parent[at!.key];
      continue;
    }
    if (!explicit && at && stored[field.path] !== undefined) at.parent[at.key] = stored[field.path];
    if (!at || at.parent[at.key] === undefined || applies(field, config)) continue;
    if (explicit) problems.push({ field: field.path, message: describeCondition(field) });
    else delete at.parent[at.key];
  }
  return { config, problems };
}

/** Splits a validated config into what is stored as jsonb and the secrets that are encrypted. */
export function splitSecrets(config: JsonObject, fields: SecretField[]): { publicConfig: JsonObject; secrets: SecretValues } {
  const publicConfig = structuredClone(config);
  const secrets: SecretValues = {};
  for (const field of fields) {
    const at = parentOf(publicConfig, field.path);
    if (!at || !Object.prototype.hasOwnProperty.call(at.parent, at.key)) continue;
    const value = at.parent[at.key];
    delete at.parent[at.key];
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
    if (applies(field, publicConfig) && parentOf(publicConfig, field.path)) status[field.path] = setPaths.includes(field.path);
  }
  return status;
}

/** Replaces every occurrence of a secret value in a text (driver messages can echo connection strings). */
export function redactSecrets(text: string, values: Iterable<string>): string {
  let result = text;
  for (const value of values) {
    // Replacing 1-3 character values would shred the message while hiding next to nothing.
    if (value.length >= 4) result = result.split(value).join('[redacted]');
  }
  return result;
}
