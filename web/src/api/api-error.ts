/** The error body every API failure carries (src/common/errors/all-exceptions.filter.ts on the server). */
export interface ApiErrorBody {
  statusCode: number;
  code: string;
  message: string;
  requestId?: string;
  details?: Record<string, unknown>;
}

/**
 * A failed API call. `message` is the API's own message, meant to be shown as it is; `details` holds
 * structured extras such as `problems` (JSON pointers) for flow validation.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  static async fromResponse(res: Response): Promise<ApiError> {
    const body = (await res.json().catch(() => undefined)) as Partial<ApiErrorBody> | undefined;
    if (body && typeof body.message === 'string') {
      return new ApiError(res.status, body.code ?? 'UNKNOWN', body.message, body.requestId, body.details);
    }
    // Not the API's JSON (a proxy's HTML page, a network-level failure): say what happened plainly.
    return new ApiError(res.status, 'UNKNOWN', `The server answered ${res.status} ${res.statusText}`.trim());
  }
}

/** Text to show for any error a query or mutation can throw. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError) return 'Cannot reach the server; check your connection and try again.';
  return error instanceof Error ? error.message : String(error);
}
