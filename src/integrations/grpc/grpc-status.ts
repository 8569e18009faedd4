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
