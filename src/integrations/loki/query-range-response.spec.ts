import { parseQueryRangeResponse } from './query-range-response';

// The documented example of /loki/api/v1/query_range (LOKI-API.md), with a second stream interleaved.
const body = {
  status: 'success',
  data: {
    resultType: 'streams',
    result: [
      { stream: { job: 'varlogs', level: 'info' }, values: [['1569266497240578000', 'foo'], ['1569266492548155000', 'bar']] },
      { stream: { job: 'varlogs', level: 'error' }, values: [['1569266495000000001', 'boom "quoted"\nsecond line']] },
    ],
    stats: { summary: { totalBytesProcessed: 7065, totalLinesProcessed: 3, execTime: 0.002 }, ingester: {}, store: {} },
  },
};

describe('parseQueryRangeResponse', () => {
  it('merges the streams newest first for backward (the default)', () => {
    const result = parseQueryRangeResponse(body);
    expect(result.logLines.map((l) => l.line)).toEqual(['foo', 'boom "quoted"\nsecond line', 'bar']);
    expect(result.matchCount).toBe(3);
    expect(result.scannedBytes).toBe(7065);
    expect(result.warnings).toEqual([]);
  });

  it('merges oldest first for forward', () => {
    expect(parseQueryRangeResponse(body, 'forward').logLines.map((l) => l.line)).toEqual(['bar', 'boom "quoted"\nsecond line', 'foo']);
  });

  it('gives ISO timestamps, the exact nanosecond string and the stream labels', () => {
    const [first, second] = parseQueryRangeResponse(body).logLines;
    expect(first).toEqual({
      timestamp: '2019-09-23T19:21:37.240Z',
      timestampNs: '1569266497240578000',
      line: 'foo',
      labels: { job: 'varlogs', level: 'info' },
    });
    expect(second.timestampNs).toBe('1569266495000000001');
    expect(second.labels.level).toBe('error');
  });

  it('orders by nanoseconds beyond what a JS number can hold', () => {
    const close = {
      status: 'success',
      data: { resultType: 'streams', result: [{ stream: { a: '1' }, values: [['1700000000000000001', 'one'], ['1700000000000000002', 'two'], ['1700000000000000000', 'zero']] }] },
    };
    expect(parseQueryRangeResponse(close, 'forward').logLines.map((l) => l.line)).toEqual(['zero', 'one', 'two']);
    expect(parseQueryRangeResponse(close, 'backward').logLines.map((l) => l.line)).toEqual(['two', 'one', 'zero']);
  });

  it('keeps response order for equal timestamps', () => {
    const ties = {
      status: 'success',
      data: { resultType: 'streams', result: [{ stream: { a: '1' }, values: [['1700000000000000000', 'first'], ['1700000000000000000', 'second']] }] },
    };
    expect(parseQueryRangeResponse(ties).logLines.map((l) => l.line)).toEqual(['first', 'second']);
  });

  it('adds structured metadata (a third value element) to the labels', () => {
    const withMetadata = {
      status: 'success',
      data: { resultType: 'streams', result: [{ stream: { app: 'x' }, values: [['1700000000000000000', 'hi', { trace_id: 'abc' }]] }] },
    };
    expect(parseQueryRangeResponse(withMetadata).logLines[0].labels).toEqual({ app: 'x', trace_id: 'abc' });
  });

  it('reports null scanned bytes when there are no stats, and passes warnings on', () => {
    const bare = { status: 'success', warnings: ['query timed out partially'], data: { resultType: 'streams', result: [] } };
    expect(parseQueryRangeResponse(bare)).toEqual({ logLines: [], scannedBytes: null, matchCount: 0, warnings: ['query timed out partially'] });
  });

  it('refuses a metric result with a message that says why', () => {
    const matrix = { status: 'success', data: { resultType: 'matrix', result: [] } };
    expect(() => parseQueryRangeResponse(matrix)).toThrow(/"matrix" result; the Loki step runs log queries, which return "streams"/);
  });

  it.each([
    [null, /response is not an object/],
    [{ status: 'error', error: 'boom' }, /status "error": boom/],
    [{ status: 'success' }, /data is not an object/],
    [{ status: 'success', data: { resultType: 'streams', result: {} } }, /data.result is not an array/],
    [{ status: 'success', data: { resultType: 'streams', result: [{ stream: {}, values: [[1569266497, 'x']] }] } }, /values\[0\] is not a \["<ns>", "<line>"\] pair/],
    [{ status: 'success', data: { resultType: 'streams', result: [{ stream: {} }] } }, /values is not an array/],
  ])('refuses a malformed body %#', (bad, message) => {
    expect(() => parseQueryRangeResponse(bad)).toThrow(message);
  });
});
