import { randomBytes, randomUUID } from 'node:crypto';
import type { Execution } from './execution.entity';

/**
 * Correlation ids travel in HTTP and Kafka headers and into LogQL/PromQL strings: a conservative
 * alphabet keeps them valid everywhere (no spaces, quotes, commas or control characters).
 */
export const CORRELATION_ID_PATTERN = /^[A-Za-z0-9._~:@\/+=-]{1,128}$/;
export const CORRELATION_ID_RULE = '1-128 characters of letters, digits and . _ ~ : @ / + = -';

/** W3C Trace Context trace-id: 32 lowercase hex digits, not all zeros. */
export const TRACE_ID_PATTERN = /^(?!0{32})[0-9a-f]{32}$/;

export function newCorrelationId(): string {
  return randomUUID();
}

export function newTraceId(): string {
  for (;;) {
    const id = randomBytes(16).toString('hex');
    if (TRACE_ID_PATTERN.test(id)) return id; // all zeros is invalid (1 in 2^128, but cheap to rule out)
  }
}

/**
 * The ids of an execution. Executions created before the columns existed have none stored: their id
 * stands in for both (a uuid is a valid correlation id, and its 32 hex digits a valid trace id).
 */
export function correlationOf(execution: Pick<Execution, 'id' | 'correlationId' | 'traceId'>): { correlationId: string; traceId: string } {
  return {
    correlationId: execution.correlationId ?? execution.id,
    traceId: execution.traceId ?? execution.id.replaceAll('-', '').toLowerCase(),
  };
}
