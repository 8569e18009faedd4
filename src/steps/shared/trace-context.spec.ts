import { addCorrelationHeaders } from './correlation-headers';
import { newSpanId, TRACEPARENT_PATTERN, traceparent } from './trace-context';

const run = { correlationId: 'corr-1', traceId: '4bf92f3577b34da6a3ce929d0e0e4736' };

describe('traceparent', () => {
  it('is version 00, the run trace id, a 16-hex span id and the sampled flag', () => {
    const value = traceparent(run.traceId);
    expect(value).toMatch(TRACEPARENT_PATTERN);
    expect(value).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    expect(traceparent(run.traceId, '00f067aa0ba902b7')).toBe('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
  });

  it('gives every request its own span id', () => {
    const ids = new Set(Array.from({ length: 200 }, () => newSpanId()));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(/^(?!0{16})[0-9a-f]{16}$/);
  });

  it('the pattern refuses all-zero ids and upper case', () => {
    expect(TRACEPARENT_PATTERN.test(`00-${'0'.repeat(32)}-00f067aa0ba902b7-01`)).toBe(false);
    expect(TRACEPARENT_PATTERN.test(`00-${run.traceId}-${'0'.repeat(16)}-01`)).toBe(false);
    expect(TRACEPARENT_PATTERN.test(`00-${run.traceId.toUpperCase()}-00f067aa0ba902b7-01`)).toBe(false);
  });
});

describe('addCorrelationHeaders', () => {
  it('adds X-Correlation-Id and traceparent by default and reports them', () => {
    const headers: Record<string, string> = { accept: 'application/json' };
    const sent = addCorrelationHeaders(headers, {}, run);
    expect(headers).toEqual({ accept: 'application/json', 'X-Correlation-Id': 'corr-1', traceparent: sent!.traceparent });
    expect(sent).toEqual({ correlationHeader: 'X-Correlation-Id', correlationId: 'corr-1', traceparent: expect.stringMatching(TRACEPARENT_PATTERN) });
  });

  it('uses the configured header name, lower-cased when asked (HTTP step headers are)', () => {
    const headers: Record<string, string> = {};
    addCorrelationHeaders(headers, { correlationHeader: 'X-Request-Id' }, run, 'lower');
    expect(Object.keys(headers)).toEqual(['x-request-id', 'traceparent']);
  });

  it('keeps headers the step sets itself (any case) and reports those values', () => {
    const own = `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`;
    const headers: Record<string, string> = { 'x-correlation-id': 'mine', TraceParent: own };
    const sent = addCorrelationHeaders(headers, {}, run);
    expect(headers).toEqual({ 'x-correlation-id': 'mine', TraceParent: own });
    expect(sent).toEqual({ correlationHeader: 'X-Correlation-Id', correlationId: 'mine', traceparent: own });
  });

  it('adds nothing with propagateCorrelation: false', () => {
    const headers: Record<string, string> = { a: '1' };
    expect(addCorrelationHeaders(headers, { propagateCorrelation: false }, run)).toBeUndefined();
    expect(headers).toEqual({ a: '1' });
  });
});
