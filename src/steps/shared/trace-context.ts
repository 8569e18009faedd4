import { randomBytes } from 'node:crypto';

/** W3C Trace Context span-id: 16 lowercase hex digits, not all zeros. */
export const SPAN_ID_PATTERN = /^(?!0{16})[0-9a-f]{16}$/;
/** `version-traceid-parentid-flags` (version 00, flags 01 = sampled). */
export const TRACEPARENT_PATTERN = /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-01$/;

/**
 * Span ids are cut from a pool of random bytes refilled 4 KB at a time: one crypto call per request
 * showed up in the chained-flow profile (randomFillSync ~1 % of the worker), one per 512 spans does not.
 */
const POOL_BYTES = 4096;
let pool = randomBytes(POOL_BYTES);
let offset = 0;

export function newSpanId(): string {
  for (;;) {
    if (offset + 8 > POOL_BYTES) {
      pool = randomBytes(POOL_BYTES);
      offset = 0;
    }
    const id = pool.toString('hex', offset, offset + 8);
    offset += 8;
    if (id !== '0000000000000000') return id;
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
