import type { SubstitutionScope } from '../../src/flow-language/substitution/substitution-scope';

/** The substitution scope of a run with no variables or steps yet, for `${execution.*}` in unit specs. */
export function runScope(correlationId: string, traceId = '4bf92f3577b34da6a3ce929d0e0e4736'): SubstitutionScope {
  return { variables: {}, steps: {}, env: {}, execution: { id: 'e-1', correlationId, traceId, startedAt: '2026-12-07T10:00:00.000Z' } };
}
