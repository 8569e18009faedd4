import { ErrorCode } from './error-code';

/** One problem with one input field; `field` is a dotted path or a JSON pointer for nested documents. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** The single application exception type: a code the filter maps to a status, a message, optional details. */
export class AppException extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: { problems?: FieldProblem[]; retryAfterSec?: number; [key: string]: unknown },
  ) {
    super(message);
  }

  static validation(problems: FieldProblem[], message?: string): AppException {
    const summary = message ?? problems.map((p) => `${p.field}: ${p.message}`).join('; ');
    return new AppException(ErrorCode.VALIDATION, summary, { problems });
  }

  static notFound(what: string): AppException {
    return new AppException(ErrorCode.NOT_FOUND, `${what} not found`);
  }

  static forbidden(message = 'Your role does not allow this action'): AppException {
    return new AppException(ErrorCode.FORBIDDEN, message);
  }

  static unauthenticated(message = 'Authentication required'): AppException {
    return new AppException(ErrorCode.UNAUTHENTICATED, message);
  }

  static conflict(message: string, details?: Record<string, unknown>): AppException {
    return new AppException(ErrorCode.CONFLICT, message, details);
  }
}
