import { substitute } from '../../flow-language/substitution/substitute';
import { runScope } from '../../../test/support/run-scope';
import { parseLogQL } from '../../../test/support/fake-loki-server';
import { buildLogQuery } from './logql-builder';
import { checkLokiStepConfig } from './loki-config-checks';

/** A Loki query scoped to one run: label value and line filter both read the run's correlation id. */
const raw = {
  resourceId: '6f1c2a8e-3b4d-4e5f-9a7b-1c2d3e4f5a6b',
  labels: { app: 'orders', correlation_id: '${execution.correlationId}' },
  containsPatterns: ['correlationId=${execution.correlationId}'],
  regexPatterns: ['trace=${execution.traceId}'],
};

describe('loki step scoped by ${execution.*}', () => {
  it('is accepted at save', () => {
    expect(checkLokiStepConfig(raw)).toEqual([]);
  });

  it.each([
    ['a plain id', 'corr-1'],
    // The run-request rule keeps quotes out of correlation ids, but the builder must not rely on it.
    ['quotes, backslashes and braces', 'a"b\\c}{d` |= "x'],
  ])('quotes the substituted value as a LogQL string (%s)', (_name, correlationId) => {
    const config = substitute(raw, runScope(correlationId));
    const query = buildLogQuery(config);
    const parsed = parseLogQL(query);
    expect(parsed.matchers).toContainEqual({ name: 'correlation_id', op: '=', value: correlationId });
    expect(parsed.filters).toContainEqual({ op: '|=', value: `correlationId=${correlationId}` });
    expect(parsed.filters).toContainEqual({ op: '|~', value: 'trace=4bf92f3577b34da6a3ce929d0e0e4736' });
  });
});
