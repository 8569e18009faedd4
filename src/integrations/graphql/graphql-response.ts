/**
 * Reading a GraphQL-over-HTTP answer. Pure, so the wording of every failure is unit-tested.
 *
 * A GraphQL response is a JSON object with `data` and/or `errors`, whatever the HTTP status (the
 * graphql-response+json media type answers request errors with 4xx and `errors`). Anything else (an
 * HTML 502 page, `{"message": ...}` from a gateway) is an HTTP-level failure.
 */

/** Characters of a non-GraphQL body quoted in the error. */
const BODY_EXCERPT_CHARS = 300;

export interface GraphqlBody {
  data: unknown;
  errors?: unknown;
  extensions?: unknown;
}

/** The parsed GraphQL body, or the problem text (which names the status and quotes the body's start). */
export function parseGraphqlBody(status: number, contentType: string | undefined, raw: Buffer, url: string): GraphqlBody | string {
  const text = raw.toString('utf8');
  let parsed: unknown;
  try {
    parsed = text.trim() === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) && ('data' in parsed || 'errors' in parsed)) {
    const body = parsed as Record<string, unknown>;
    return { data: body.data ?? null, ...('errors' in body && { errors: body.errors }), ...('extensions' in body && { extensions: body.extensions }) };
  }
  const what = parsed === undefined ? (text.trim() === '' ? 'an empty body' : `a non-JSON body${contentType ? ` (${contentType})` : ''}`) : 'JSON without data or errors';
  const excerpt = text.trim().slice(0, BODY_EXCERPT_CHARS);
  return `GraphQL request to ${url} failed: HTTP ${status} with ${what}, not a GraphQL response${excerpt ? `: ${excerpt}` : ''}`;
}

/** Whether an assertion path reads `errors` (`errors`, `errors.0.message`, `errors[0].path`, `$.errors`, `$['errors']`). */
export function readsErrors(path: string): boolean {
  return /^\s*(?:\$\s*(?:\.|\[\s*['"]?)?)?errors(?![A-Za-z0-9_$-])/.test(path);
}

/** The step error for a response carrying `errors`: the first one's message and path, and how many there are. */
export function describeGraphqlErrors(errors: unknown): string {
  const list = Array.isArray(errors) ? errors : [errors];
  const first = list[0] as { message?: unknown; path?: unknown; locations?: unknown } | undefined;
  const message = typeof first?.message === 'string' ? first.message : JSON.stringify(first ?? errors)?.slice(0, BODY_EXCERPT_CHARS);
  const path = Array.isArray(first?.path) && first.path.length ? ` at path ${first.path.join('.')}` : '';
  const more = list.length > 1 ? ` (and ${list.length - 1} more error${list.length > 2 ? 's' : ''})` : '';
  return `GraphQL error: ${message}${path}${more}. To expect errors, assert on them (e.g. errors.0.message): the step then returns them instead of failing`;
}

/** Whether the response's `errors` make the step fail: present, not empty, and no assertion reads them. */
export function errorsFailStep(errors: unknown, assertedPaths: readonly string[] | undefined): boolean {
  const present = Array.isArray(errors) ? errors.length > 0 : errors !== undefined && errors !== null;
  return present && !(assertedPaths ?? []).some(readsErrors);
}
