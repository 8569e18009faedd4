import { randomBytes } from 'node:crypto';

/** W3C Trace Context span-id: 16 lowercase hex digits, not all zeros. */
export const SPAN_ID_PATTERN = /^(?!0{16})[0-9a-f]{16}$/;
/** `version-traceid-parentid-flags` (version 00, flags 01 = sampled). */
export const TRACEPARENT_PATTERN = /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-01$/;

export function newSpanId(): string {
  for (;;) {
    const id = randomBytes(8).toString('hex');
    if (SPAN_ID_PATTERN.test(id)) return id;
  }
}

/**
 * The `traceparent` of one outgoing request or message of a run: the run's trace id, a span id of its
 * own (each request is its own span, so a trace viewer shows them apart), sampled — a test run is
 * exactly what one wants to see traced.
 */
export function traceparent(traceId: string, spanId: string = newSpanId()): string {
  return `00-${traceId}-${spanId}-01`;
}
