import { checkReferences } from '../references/reference-rules';
import { findReferences } from './find-references';
import { SubstitutionError } from './substitution-error';
import type { SubstitutionScope } from './substitution-scope';
import { substitute } from './substitute';

const execution = {
  id: '7d1c0e6a-4b8f-4c2e-9a3d-1f2e3d4c5b6a',
  correlationId: 'corr-run-1',
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  startedAt: '2026-12-07T10:00:00.000Z',
};
const scope = (over: Partial<SubstitutionScope> = {}): SubstitutionScope => ({ variables: {}, steps: {}, env: {}, execution, ...over });

describe('${execution.<field>} references', () => {
  it('read the running execution', () => {
    expect(
      substitute(
        {
          headers: { 'X-Run': '${execution.id}', 'X-Corr': '${execution.correlationId}' },
          query: '{app="orders"} |= "${execution.correlationId}"',
          trace: 'https://jaeger/trace/${execution.traceId}?since=${execution.startedAt}',
        },
        scope(),
      ),
    ).toEqual({
      headers: { 'X-Run': execution.id, 'X-Corr': 'corr-run-1' },
      query: '{app="orders"} |= "corr-run-1"',
      trace: `https://jaeger/trace/${execution.traceId}?since=2026-12-07T10:00:00.000Z`,
    });
  });

  it('work as function arguments', () => {
    expect(substitute('${jsonpath(execution.correlationId, "$")}', scope())).toBe('corr-run-1');
  });

  it('refuse unknown fields and a bare root when parsed, naming the allowed ones', () => {
    for (const text of ['${execution.status}', '${execution}', '${execution.id.x}']) {
      expect(() => substitute(text, scope())).toThrow(/"execution" must be followed by one of execution\.id, execution\.correlationId, execution\.traceId, execution\.startedAt/);
    }
  });

  it('fail with a clear reason where no execution runs', () => {
    expect(() => substitute('${execution.correlationId}', scope({ execution: undefined }))).toThrow(SubstitutionError);
    expect(() => substitute('${execution.correlationId}', scope({ execution: undefined }))).toThrow(/execution\.correlationId is known only while the flow runs/);
  });

  it('are found as execution references, not variables', () => {
    expect(findReferences({ a: 'x-${execution.traceId}' })).toEqual([
      { expression: 'execution.traceId', root: 'traceId', kind: 'execution', functionNames: [], pointer: '/a', fieldPath: '' },
    ]);
  });

  it('are accepted by the save-time reference rules in configs and assertions', () => {
    const flow = {
      variables: [],
      steps: [
        {
          name: 'logs',
          config: { query: '{app="orders"} |= "${execution.correlationId}"', since: '${execution.startedAt}' },
          assertions: [{ expected: '${execution.id}' }],
        },
      ],
    };
    expect(checkReferences(flow)).toEqual([]);
    const bad = { variables: [], steps: [{ name: 's', config: { q: '${execution.nope}' } }] };
    expect(checkReferences(bad).map((p) => p.pointer)).toEqual(['/steps/0/config/q']);
  });
});
