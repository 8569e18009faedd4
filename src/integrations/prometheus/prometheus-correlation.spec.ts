import { substitute } from '../../flow-language/substitution/substitute';
import { runScope } from '../../../test/support/run-scope';
import { unquoteGoString } from '../../../test/support/fake-loki-server';
import { checkPrometheusStepConfig } from './prometheus-config-checks';
import { applyLabelValues } from './promql-label-values';

/** Metrics of one run: the correlation id goes in as a `$name` placeholder, inserted as an escaped string. */
const raw = {
  resourceId: '6f1c2a8e-3b4d-4e5f-9a7b-1c2d3e4f5a6b',
  query: 'sum(increase(orders_created_total{correlation_id=$cid}[5m]))',
  labelValues: { cid: '${execution.correlationId}' },
  duration1: { relative: { ago: '10m', length: '10m' } },
};

describe('prometheus step scoped by ${execution.correlationId}', () => {
  it('is accepted at save', () => {
    expect(checkPrometheusStepConfig(raw)).toEqual([]);
  });

  it.each([
    ['a plain id', 'corr-1'],
    ['quotes, backslashes and braces', 'a"b\\c}{d`'],
  ])('inserts the substituted value as one PromQL string literal (%s)', (_name, correlationId) => {
    const config = substitute(raw, runScope(correlationId));
    const query = applyLabelValues(config.query, config.labelValues);
    const literal = /correlation_id=("(?:[^"\\]|\\.)*")\}/.exec(query)?.[1];
    expect(literal).toBeDefined();
    expect(unquoteGoString(literal!)).toBe(correlationId);
    expect(query.replace(literal!, '"X"')).toBe('sum(increase(orders_created_total{correlation_id="X"}[5m]))');
  });
});
