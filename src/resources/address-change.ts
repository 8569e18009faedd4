import type { FieldProblem } from '../common/errors/app.exception';
import { getPath, pathSegments } from './secret-fields';

/** An address value as compared: a URL by scheme, host and port (its path and query are not where it connects). */
function addressOf(value: unknown): string {
  if (typeof value === 'string' && /^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    try {
      const url = new URL(value);
      return `${url.protocol}//${url.host}`;
    } catch {
      return value;
    }
  }
  return JSON.stringify(value ?? null);
}

/** The address fields (see ResourceTypeMetadata.addressFields) whose value differs between two full configs. */
export function changedAddressFields(addressFields: readonly string[], before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  return addressFields.filter((field) => addressOf(getPath(before, field)) !== addressOf(getPath(after, field)));
}

/**
 * Stored secrets follow the resource, not whoever edits it: when the config now points somewhere else,
 * every secret that would be taken from storage (`kept`) must be sent again, so an editor cannot re-point
 * a resource at a server of theirs and have the stored password delivered there.
 */
export function repointProblems(
  addressFields: readonly string[],
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  kept: readonly string[],
): FieldProblem[] {
  if (!kept.length) return [];
  const changed = changedAddressFields(addressFields, before, after);
  if (!changed.length) return [];
  return kept.map((path) => {
    const segments = pathSegments(path);
    return { field: path, message: `the address changed (${changed.join(', ')}); send the ${segments[segments.length - 1]} again` };
  });
}
