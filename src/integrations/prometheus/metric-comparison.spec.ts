import {
  aggregate,
  compareValues,
  compareWindows,
  labelSetKey,
  parseMatrix,
  parsePrometheusValue,
  summariseWindow,
  type Aggregation,
  type MetricSeries,
} from './metric-comparison';

const T = 1_795_785_300_000;
const series = (metric: Record<string, string>, values: number[], stepMs = 15_000, from = T): MetricSeries => ({
  metric,
  values: values.map((value, i) => ({ timestamp: from + i * stepMs, value })),
});

describe('aggregate', () => {
  const values = [4, 1, 3, 2, 5];
  it.each<[Aggregation, number]>([
    ['avg', 3],
    ['sum', 15],
    ['min', 1],
    ['max', 5],
    ['last', 5],
    ['p95', 4.8],
  ])('%s', (aggregation, expected) => {
    const result = aggregate(values, aggregation);
    expect(result.value).toBeCloseTo(expected, 12);
    expect(result).toMatchObject({ sampleCount: 5, ignoredSamples: 0 });
  });

  it('p95 interpolates between closest ranks like quantile_over_time', () => {
    const oneToTwenty = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(aggregate(oneToTwenty, 'p95').value).toBeCloseTo(19.05, 12);
    expect(aggregate([7], 'p95').value).toBe(7);
    expect(aggregate([10, 0], 'p95').value).toBeCloseTo(9.5, 12);
  });

  it('ignores NaN and ±Inf and says how many', () => {
    const result = aggregate([1, Number.NaN, 3, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY], 'avg');
    expect(result).toEqual({ value: 2, sampleCount: 2, ignoredSamples: 3 });
  });

  it('last is the last finite sample', () => {
    expect(aggregate([1, 2, Number.NaN], 'last')).toEqual({ value: 2, sampleCount: 2, ignoredSamples: 1 });
  });

  it('gives null without finite samples', () => {
    expect(aggregate([], 'max')).toEqual({ value: null, sampleCount: 0, ignoredSamples: 0 });
    expect(aggregate([Number.NaN], 'sum')).toEqual({ value: null, sampleCount: 0, ignoredSamples: 1 });
  });

  it('keeps constant windows exact', () => {
    expect(aggregate(Array(121).fill(130), 'avg').value).toBe(130);
    expect(aggregate(Array(60).fill(0.1), 'avg').value).toBeCloseTo(0.1, 15);
  });

  it('refuses an unknown aggregation', () => {
    expect(() => aggregate([1], 'median' as Aggregation)).toThrow('aggregation: "median" is not one of avg, max, min, sum, last, p95');
  });
});

describe('parsePrometheusValue', () => {
  it.each([
    ['1', 1],
    ['1.5', 1.5],
    ['-0.25', -0.25],
    ['1e+06', 1_000_000],
    ['+Inf', Number.POSITIVE_INFINITY],
    ['-Inf', Number.NEGATIVE_INFINITY],
  ])('%s', (raw, value) => {
    expect(parsePrometheusValue(raw)).toBe(value);
  });

  it.each(['NaN', '', 'abc', null])('%j is NaN', (raw) => {
    expect(parsePrometheusValue(raw)).toBeNaN();
  });
});

describe('parseMatrix', () => {
  const body = {
    status: 'success',
    data: {
      resultType: 'matrix',
      result: [
        { metric: { __name__: 'up', job: 'prometheus' }, values: [[1435781430.781, '1'], [1435781445.781, 'NaN'], [1435781460.781, '+Inf']] },
        { metric: { job: 'node' }, values: [[1435781430, '-Inf'], [1435781445, '0.5']] },
        { metric: {}, histograms: [[1435781430, { count: '1' }]] },
      ],
    },
  };

  it('reads series with ms timestamps and numeric values', () => {
    const parsed = parseMatrix(body);
    expect(parsed).toHaveLength(3);
    expect(parsed[0].metric).toEqual({ __name__: 'up', job: 'prometheus' });
    expect(parsed[0].values[0]).toEqual({ timestamp: 1_435_781_430_781, value: 1 });
    expect(parsed[0].values[1].value).toBeNaN();
    expect(parsed[0].values[2].value).toBe(Number.POSITIVE_INFINITY);
    expect(parsed[1].values).toEqual([
      { timestamp: 1_435_781_430_000, value: Number.NEGATIVE_INFINITY },
      { timestamp: 1_435_781_445_000, value: 0.5 },
    ]);
    expect(parsed[2]).toEqual({ metric: {}, values: [] });
  });

  it('reads an empty matrix', () => {
    expect(parseMatrix({ status: 'success', data: { resultType: 'matrix', result: [] } })).toEqual([]);
  });

  it.each([
    [{ status: 'error', errorType: 'bad_data', error: 'parse error at char 5' }, 'Prometheus query failed: bad_data: parse error at char 5'],
    [{ status: 'success', data: { resultType: 'vector', result: [] } }, 'Prometheus returned a "vector" result where a range query returns "matrix"'],
    [{ status: 'success', data: { resultType: 'matrix', result: {} } }, 'Prometheus response: data.result is not an array'],
    [{ status: 'success', data: { resultType: 'matrix', result: [{ metric: {}, values: [[1]] }] } }, 'Prometheus response: result[0].values[0] is not a [time, value] pair'],
    ['nope', 'Unexpected Prometheus response: the Prometheus response is not an object'],
  ])('refuses %j', (bad, message) => {
    expect(() => parseMatrix(bad)).toThrow(message);
  });
});

describe('summariseWindow', () => {
  it('one series: the window is that series', () => {
    const summary = summariseWindow([series({ queue: 'emails' }, [100, 100, 130, Number.NaN])], 'avg');
    expect(summary).toMatchObject({ aggregation: 'avg', aggregatedValue: 110, min: 100, max: 130, sampleCount: 3, ignoredSamples: 1 });
    expect(summary.values).toEqual([
      { timestamp: T, value: 100 },
      { timestamp: T + 15_000, value: 100 },
      { timestamp: T + 30_000, value: 130 },
    ]);
    expect(summary.series).toEqual([
      { metric: { queue: 'emails' }, aggregatedValue: 110, min: 100, max: 130, sampleCount: 3, ignoredSamples: 1, values: summary.values },
    ]);
  });

  it('sorts samples by time before taking "last"', () => {
    const unordered: MetricSeries = { metric: {}, values: [{ timestamp: T + 2, value: 3 }, { timestamp: T, value: 1 }, { timestamp: T + 1, value: 2 }] };
    expect(summariseWindow([unordered], 'last').aggregatedValue).toBe(3);
  });

  describe('several series', () => {
    // Series a: 4 samples around 10; series b: 1 sample of 100 (e.g. a pod that appeared late).
    const a = series({ pod: 'a' }, [8, 10, 12, 10]);
    const b = series({ pod: 'b' }, [100], 15_000, T + 60_000);

    it.each<[Aggregation, number]>([
      ['avg', 55], // mean of the per-series means (10 and 100), not of the 5 samples (28)
      ['sum', 140],
      ['min', 8],
      ['max', 100],
      ['p95', 82.4], // pooled [8,10,10,12,100]: rank 3.8 → 12 + 0.8 × 88
    ])('%s', (aggregation, expected) => {
      const summary = summariseWindow([a, b], aggregation);
      expect(summary.aggregatedValue).toBeCloseTo(expected, 12);
      expect(summary).toMatchObject({ min: 8, max: 100, sampleCount: 5, ignoredSamples: 0 });
      expect(summary.series.map((s) => s.metric)).toEqual([{ pod: 'a' }, { pod: 'b' }]);
    });

    it('last: the latest sample, averaged over series sampled at that instant', () => {
      expect(summariseWindow([a, b], 'last').aggregatedValue).toBe(100);
      const c = series({ pod: 'c' }, [50], 15_000, T + 60_000);
      expect(summariseWindow([a, b, c], 'last').aggregatedValue).toBe(75);
    });

    it('pools values in time order', () => {
      const summary = summariseWindow([b, a], 'avg');
      expect(summary.values.map((p) => p.timestamp)).toEqual([T, T + 15_000, T + 30_000, T + 45_000, T + 60_000]);
    });

    it('leaves a series without finite samples out of the window value but lists it', () => {
      const broken = series({ pod: 'x' }, [Number.NaN, Number.POSITIVE_INFINITY]);
      const summary = summariseWindow([a, broken], 'avg');
      expect(summary.aggregatedValue).toBe(10);
      expect(summary.ignoredSamples).toBe(2);
      expect(summary.series[1]).toEqual({ metric: { pod: 'x' }, aggregatedValue: null, min: null, max: null, sampleCount: 0, ignoredSamples: 2, values: [] });
    });
  });

  it('names the window, its range and the query when there is no data', () => {
    const context = { window: 'baseline', query: 'rate(http_requests_total{code="500"}[5m])', startMs: T, endMs: T + 1_800_000 };
    expect(() => summariseWindow([], 'avg', context)).toThrow(
      'No data in the baseline window (2026-11-27T13:15:00.000Z to 2026-11-27T13:45:00.000Z) for query "rate(http_requests_total{code=\\"500\\"}[5m])": Prometheus returned no series',
    );
    expect(() => summariseWindow([series({}, [Number.NaN, Number.NaN]), series({ a: '1' }, [])], 'avg', { window: 'current' })).toThrow(
      'No data in the current window: all 2 samples of 2 series were NaN or ±Inf',
    );
    expect(() => summariseWindow([], 'avg')).toThrow('No data in the window: Prometheus returned no series');
  });
});

describe('compareWindows', () => {
  const window = (value: number, metric: Record<string, string> = {}) => summariseWindow([series(metric, [value, value])], 'avg');

  it('flags a +30% change against a 20% threshold (the fixture: queue_depth 100 → 130)', () => {
    const result = compareWindows(window(100), window(130), { thresholdPercent: 20, direction: 'increase' });
    expect(result).toMatchObject({
      aggregation: 'avg',
      thresholdPercent: 20,
      direction: 'increase',
      baselineValue: 100,
      currentValue: 130,
      absoluteDifference: 30,
      anomalyDetected: true,
      anomalyReason: '+30% change (100 → 130) exceeds the 20% threshold for direction "increase"',
      anomalousSeries: [{}],
      seriesMismatch: null,
    });
    expect(result.percentageChange).toBeCloseTo(30, 12);
  });

  it('defaults to a 20% threshold in both directions', () => {
    expect(compareWindows(window(100), window(79))).toMatchObject({ thresholdPercent: 20, direction: 'both', anomalyDetected: true });
    expect(compareWindows(window(100), window(81))).toMatchObject({ anomalyDetected: false, anomalyReason: null });
  });

  it.each([
    ['increase', 130, true],
    ['increase', 70, false],
    ['decrease', 130, false],
    ['decrease', 70, true],
    ['both', 130, true],
    ['both', 70, true],
    ['both', 110, false],
  ] as const)('direction %s, 100 → %d: anomaly %s', (direction, current, anomaly) => {
    expect(compareWindows(window(100), window(current), { thresholdPercent: 20, direction }).anomalyDetected).toBe(anomaly);
  });

  it('does not flag a change exactly at the threshold, float noise included', () => {
    expect(compareWindows(window(100), window(120), { thresholdPercent: 20 }).anomalyDetected).toBe(false);
    const noisy = compareValues(0.7, 0.84, 20, 'increase');
    expect(noisy.percentageChange).toBeGreaterThan(20); // 20.000000000000004 in floating point
    expect(noisy.anomalyDetected).toBe(false);
    expect(compareValues(0.7, 0.85, 20, 'increase').anomalyDetected).toBe(true);
  });

  it('measures the change against |baseline| so the sign keeps its meaning for negative values', () => {
    const result = compareValues(-100, -50, 20, 'increase');
    expect(result.percentageChange).toBe(50);
    expect(result.anomalyDetected).toBe(true);
    expect(compareValues(-100, -150, 20, 'decrease')).toMatchObject({ percentageChange: -50, anomalyDetected: true });
  });

  describe('zero baseline', () => {
    it('has no percentage change; any change in the direction is an anomaly', () => {
      const result = compareWindows(window(0), window(3), { thresholdPercent: 20, direction: 'increase' });
      expect(result).toMatchObject({ percentageChange: null, absoluteDifference: 3, anomalyDetected: true });
      expect(result.anomalyReason).toBe(
        'percentage change is undefined for a zero baseline, so the absolute difference decides: the value changed by +3 (0 → 3), an anomaly for direction "increase"',
      );
    });

    it('is not an anomaly without a change, and says why', () => {
      const result = compareWindows(window(0), window(0));
      expect(result).toMatchObject({ percentageChange: null, absoluteDifference: 0, anomalyDetected: false });
      expect(result.anomalyReason).toMatch(/^percentage change is undefined for a zero baseline.*did not change$/);
    });

    it('respects the direction', () => {
      expect(compareValues(0, -2, 20, 'increase')).toMatchObject({ anomalyDetected: false, absoluteDifference: -2 });
      expect(compareValues(0, -2, 20, 'increase').anomalyReason).toMatch(/changed by -2 \(0 → -2\), not an anomaly for direction "increase"/);
      expect(compareValues(0, -2, 20, 'decrease').anomalyDetected).toBe(true);
      expect(compareValues(0, 0.001, 1000, 'both').anomalyDetected).toBe(true);
    });
  });

  it('compares series by label set when both windows have the same series (fixture: 200s +30%, 500s flat)', () => {
    const baseline = summariseWindow([series({ code: '200', service: 'orders' }, [2, 2]), series({ code: '500', service: 'orders' }, [0.2, 0.2])], 'avg');
    const current = summariseWindow([series({ service: 'orders', code: '500' }, [0.2, 0.2]), series({ service: 'orders', code: '200' }, [2.6, 2.6])], 'avg');
    const result = compareWindows(baseline, current, { thresholdPercent: 20, direction: 'increase' });
    expect(result.series).toHaveLength(2);
    expect(result.series![0]).toMatchObject({ metric: { code: '200', service: 'orders' }, baselineValue: 2, currentValue: 2.6, anomalyDetected: true });
    expect(result.series![0].percentageChange).toBeCloseTo(30, 9);
    expect(result.series![1]).toMatchObject({ metric: { code: '500', service: 'orders' }, percentageChange: 0, anomalyDetected: false, anomalyReason: null });
    expect(result.anomalousSeries).toEqual([{ code: '200', service: 'orders' }]);
    // Overall: mean of the per-series means, 1.1 → 1.4 (+27.3%).
    expect(result.anomalyDetected).toBe(true);
    expect(result.percentageChange).toBeCloseTo(27.2727, 3);
  });

  it('does not pair series when the label sets differ, and says which differ', () => {
    const baseline = summariseWindow([series({ pod: 'a' }, [1]), series({ pod: 'b' }, [1])], 'avg');
    const current = summariseWindow([series({ pod: 'a' }, [1]), series({ pod: 'c' }, [5])], 'avg');
    const result = compareWindows(baseline, current);
    expect(result.series).toBeNull();
    expect(result.anomalousSeries).toEqual([]);
    expect(result.seriesMismatch).toEqual({ onlyInBaseline: [{ pod: 'b' }], onlyInCurrent: [{ pod: 'c' }] });
    expect(result.anomalyDetected).toBe(true); // overall 1 → 3
  });

  it('reports a series without finite samples on one side as not compared', () => {
    const baseline = summariseWindow([series({ pod: 'a' }, [1]), series({ pod: 'b' }, [1])], 'avg');
    const current = summariseWindow([series({ pod: 'a' }, [1]), series({ pod: 'b' }, [Number.NaN])], 'avg');
    const result = compareWindows(baseline, current);
    expect(result.series![1]).toEqual({
      metric: { pod: 'b' },
      baselineValue: 1,
      currentValue: null,
      percentageChange: null,
      absoluteDifference: null,
      anomalyDetected: false,
      anomalyReason: 'not compared: no finite samples in the current window',
    });
  });

  it.each([
    [{ thresholdPercent: -1 }, 'thresholdPercent: must be a number ≥ 0 (got -1)'],
    [{ thresholdPercent: Number.NaN }, 'thresholdPercent: must be a number ≥ 0 (got NaN)'],
    [{ direction: 'up' }, 'direction: "up" is not one of increase, decrease, both'],
  ])('refuses options %j', (options, message) => {
    expect(() => compareWindows(window(1), window(2), options as never)).toThrow(message);
  });

  it('refuses windows summarised with different aggregations', () => {
    const max = summariseWindow([series({}, [1])], 'max');
    expect(() => compareWindows(window(1), max)).toThrow('Cannot compare a avg baseline with a max current window');
  });
});

describe('labelSetKey', () => {
  it('ignores label order', () => {
    expect(labelSetKey({ a: '1', b: '2' })).toBe(labelSetKey({ b: '2', a: '1' }));
    expect(labelSetKey({ a: '1' })).not.toBe(labelSetKey({ a: '1', b: '' }));
  });
});
