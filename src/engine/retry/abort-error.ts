/**
 * Rejection of an operation stopped through an AbortSignal. Named and coded like the errors of
 * Node's own abortable APIs (`name === 'AbortError'`, `code === 'ABORT_ERR'`), so callers can treat
 * both alike; `cause` carries the signal's reason (timeout, cancel, shutdown).
 */
export class AbortError extends Error {
  readonly code = 'ABORT_ERR';

  constructor(message = 'The operation was aborted', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AbortError';
  }
}
