import { CORRELATION_ID_PATTERN, correlationOf, newCorrelationId, newTraceId, TRACE_ID_PATTERN } from './execution-correlation';

describe('execution correlation ids', () => {
  it('makes fresh, valid ids', () => {
    const traces = new Set(Array.from({ length: 100 }, () => newTraceId()));
    expect(traces.size).toBe(100);
    for (const id of traces) expect(id).toMatch(TRACE_ID_PATTERN);
    expect(newCorrelationId()).toMatch(CORRELATION_ID_PATTERN);
  });

  it('keeps stored ids and derives both from the execution id for executions older than the columns', () => {
    const id = '7D1C0E6A-4B8F-4C2E-9A3D-1F2E3D4C5B6A'.toLowerCase();
    expect(correlationOf({ id, correlationId: 'c', traceId: 'a'.repeat(32) })).toEqual({ correlationId: 'c', traceId: 'a'.repeat(32) });
    const derived = correlationOf({ id, correlationId: null, traceId: null });
    expect(derived).toEqual({ correlationId: id, traceId: '7d1c0e6a4b8f4c2e9a3d1f2e3d4c5b6a' });
    expect(derived.traceId).toMatch(TRACE_ID_PATTERN);
  });

  it('accepts safe correlation ids only', () => {
    for (const ok of ['a', 'checkout-2026-12-07', 'tenant:acme/run_1.2~x@y+z=', 'x'.repeat(128)]) expect(ok).toMatch(CORRELATION_ID_PATTERN);
    for (const bad of ['', 'x'.repeat(129), 'has space', 'quo"te', 'back\\slash', 'comma,', 'new\nline', 'ünï']) expect(bad).not.toMatch(CORRELATION_ID_PATTERN);
  });
});
