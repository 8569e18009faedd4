import { status as GrpcStatusCode } from '@grpc/grpc-js';

/** The gRPC status names, in code order (OK = 0 … UNAUTHENTICATED = 16). */
export const GRPC_STATUS_NAMES = Object.keys(GrpcStatusCode).filter((key) => Number.isNaN(Number(key))) as Array<keyof typeof GrpcStatusCode>;

export function grpcStatusName(code: number): string {
  return (GrpcStatusCode as unknown as Record<number, string>)[code] ?? `UNKNOWN_CODE_${code}`;
}

/** A call's outcome as the step reports it: `details` is the status message the server sent. */
export interface GrpcCallStatus {
  code: number;
  name: string;
  details: string;
}

/** A grpc-js error as `NAME: details` (its own message repeats the code as a number), other errors by message. */
export function grpcErrorText(error: unknown): string {
  const e = error as { code?: unknown; details?: unknown; message?: string };
  if (typeof e?.code === 'number' && typeof e.details === 'string') return `${grpcStatusName(e.code)}: ${e.details}`;
  return e?.message ?? String(error);
}
