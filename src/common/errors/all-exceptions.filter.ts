import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { AppException } from './app.exception';
import { ERROR_STATUS, ErrorCode } from './error-code';

export interface ErrorBody {
  statusCode: number;
  code: ErrorCode;
  message: string;
  requestId?: string;
  details?: Record<string, unknown>;
}

const HTTP_CODES: Partial<Record<number, ErrorCode>> = {
  400: ErrorCode.VALIDATION,
  401: ErrorCode.UNAUTHENTICATED,
  403: ErrorCode.FORBIDDEN,
  404: ErrorCode.NOT_FOUND,
  409: ErrorCode.CONFLICT,
  413: ErrorCode.PAYLOAD_TOO_LARGE,
  429: ErrorCode.RATE_LIMITED,
};

/**
 * Maps every error to one JSON shape with the request id as correlation id. Unknown errors are logged
 * with their stack and answered as a bare 500: stack traces and driver messages never reach clients.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Exceptions');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const ctx = host.switchToHttp();
    const request = ctx.getRequest<Request & { id?: string }>();
    const response = ctx.getResponse<Response>();
    const body = this.toBody(exception);
    body.requestId = request.id;
    if (body.statusCode >= 500) {
      this.logger.error({ err: exception, requestId: request.id }, 'Unhandled error');
    }
    if (body.code === ErrorCode.RATE_LIMITED && typeof body.details?.retryAfterSec === 'number') {
      response.setHeader('Retry-After', String(body.details.retryAfterSec));
    }
    if (!response.headersSent) response.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof AppException) {
      return { statusCode: ERROR_STATUS[exception.code], code: exception.code, message: exception.message, details: exception.details };
    }
    if (exception instanceof HttpException && exception.cause instanceof SyntaxError && exception.getStatus() === 400) {
      // body-parser's JSON.parse failure, mapped by Nest: V8's text says nothing useful to a client.
      return { statusCode: 400, code: ErrorCode.VALIDATION, message: 'body: malformed JSON' };
    }
    const driverCode = exception instanceof QueryFailedError ? (exception.driverError as { code?: string })?.code : undefined;
    if (driverCode === '22021' || driverCode === '22P05') {
      // Postgres refuses U+0000 in text and jsonb; that is bad input, not a server fault.
      return { statusCode: 400, code: ErrorCode.VALIDATION, message: 'body: text must not contain the NUL character (\\u0000)' };
    }
    if (driverCode === '23502') {
      // A NOT NULL column reached with null: an optional field sent as null where only "absent" is allowed.
      const column = (exception as QueryFailedError & { driverError: { column?: string } }).driverError.column ?? 'a field';
      return { statusCode: 400, code: ErrorCode.VALIDATION, message: `${toCamel(column)}: must not be null (omit it to keep the current value)` };
    }
    if (exception instanceof URIError) {
      // validator.js's e-mail and byte-length checks encodeURI() their input, which throws on lone UTF-16 surrogates.
      return { statusCode: 400, code: ErrorCode.VALIDATION, message: 'body: a text field is not valid Unicode (unpaired surrogate)' };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const payload = exception.getResponse();
      const message =
        typeof payload === 'string' ? payload : String((payload as { message?: unknown }).message ?? exception.message);
      return { statusCode: status, code: HTTP_CODES[status] ?? (status >= 500 ? ErrorCode.INTERNAL : ErrorCode.VALIDATION), message };
    }
    // body-parser errors (malformed JSON, too large) carry a status and are the client's fault.
    const status = (exception as { status?: unknown })?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const type = (exception as { type?: string }).type;
      const message = type === 'entity.parse.failed' ? 'body: malformed JSON' : String((exception as Error).message);
      return { statusCode: status, code: HTTP_CODES[status] ?? ErrorCode.VALIDATION, message };
    }
    return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, code: ErrorCode.INTERNAL, message: 'Internal server error' };
  }
}

function toCamel(column: string): string {
  return column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}
