/**
 * A `${...}` reference that cannot be parsed or resolved. The message reads
 * `${order.response.body.id}: step "order" has no value at "response.body.id" (...)` so it can be
 * shown as is; the fields let the engine and the flow validator place it.
 */
export class SubstitutionError extends Error {
  constructor(
    /** The failing reference as written, `${...}` included. */
    readonly reference: string,
    /** Why it failed, without the reference. */
    readonly reason: string,
    /** JSON pointer of the string holding the reference inside the substituted value ('' = the value itself). */
    readonly path = '',
  ) {
    super(`${reference}: ${reason}`);
    this.name = 'SubstitutionError';
  }

  /** The same error placed at `path`; evaluation does not know where its string sits. */
  at(path: string): SubstitutionError {
    return new SubstitutionError(this.reference, this.reason, path);
  }
}
