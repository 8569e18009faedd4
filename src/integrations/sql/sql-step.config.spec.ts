import { AppConfig } from '../../config/app-config';
import type { StepRegistry } from '../../steps/step-registry.service';
import { specStepRegistry, unusedClientPools } from '../../steps/step-registry.testing';
import { SqlConnectionTester } from './sql-connection.tester';
import type { SqlStepConfig } from './sql-step.config';
import { SqlStep } from './sql.step';
import type { EgressService } from '../../egress/egress.service';

const RESOURCE_ID = '6f1c2a8e-3b4d-4e5f-9a7b-1c2d3e4f5a6b';

function registry(): StepRegistry {
  return specStepRegistry({ resourceTypes: [SqlConnectionTester], plugins: [new SqlStep(unusedClientPools, new AppConfig(), {} as EgressService)] });
}

describe('sql step config validation', () => {
  const steps = registry();
  const validate = (config: Record<string, unknown>, substituted = false) =>
    steps.validateConfig<SqlStepConfig>('sql', { resourceId: RESOURCE_ID, ...config }, substituted);
  const problems = (config: Record<string, unknown>, substituted = false) => validate(config, substituted).problems;

  it('registers as type sql needing a sql resource', () => {
    expect(steps.get('sql')).toMatchObject({ metadata: { type: 'sql' }, resourceType: 'sql' });
  });

  it('accepts a query with named parameters, including ${...} values in parameters', () => {
    const { config, problems } = validate({ query: 'SELECT * FROM orders WHERE id = :id AND status = :status', parameters: { id: '${create.response.body.id}', status: 'PAID' }, maxRows: 10 });
    expect(problems).toEqual([]);
    expect(config).toMatchObject({ maxRows: 10, parameters: { status: 'PAID' } });
  });

  it('refuses ${...} inside the query text and says to use parameters', () => {
    expect(problems({ query: "SELECT * FROM orders WHERE id = '${create.response.body.id}'" })).toEqual([
      { pointer: '/query', message: expect.stringMatching(/must not contain \$\{\.\.\.\} references.*:name placeholder.*parameters/) },
    ]);
    // Also after substitution would have happened (the engine validates the substituted config with the raw check too).
    expect(problems({ query: 'SELECT ${x}' }, true).map((p) => p.pointer)).toEqual(['/query']);
  });

  it('requires resourceId (uuid) and a non-empty query', () => {
    expect(steps.validateConfig('sql', { query: 'SELECT 1' }, true).problems.map((p) => p.pointer)).toEqual(['/resourceId']);
    expect(steps.validateConfig('sql', { resourceId: 'db-1', query: 'SELECT 1' }, true).problems.map((p) => p.pointer)).toEqual(['/resourceId']);
    expect(problems({ query: '' }).map((p) => p.pointer)).toContain('/query');
    expect(problems({}).map((p) => p.pointer)).toContain('/query');
  });

  it('bounds maxRows to 1..100000', () => {
    expect(problems({ query: 'SELECT 1', maxRows: 100_000 })).toEqual([]);
    for (const maxRows of [0, 100_001, 1.5, '10']) expect([...new Set(problems({ query: 'SELECT 1', maxRows }, true).map((p) => p.pointer))]).toEqual(['/maxRows']);
  });

  it('refuses parameters that are not an object, and unknown fields', () => {
    expect(problems({ query: 'SELECT :a', parameters: ['x'] }, true).map((p) => p.pointer)).toContain('/parameters');
    expect(problems({ query: 'SELECT 1', params: {} }, true).map((p) => p.pointer)).toContain('/params');
  });

  it('names a placeholder without a parameter and a parameter without a placeholder', () => {
    expect(problems({ query: 'SELECT * FROM t WHERE id = :orderId', parameters: { orderID: 1 } })).toEqual([
      { pointer: '/parameters', message: expect.stringContaining(':orderId but no such parameter') },
    ]);
    expect(problems({ query: 'SELECT 1', parameters: { unused: 1 } })).toEqual([{ pointer: '/parameters', message: expect.stringContaining('unused is not used') }]);
  });

  it('accepts dialect-specific syntax that one dialect reads differently (casts, comments, quoted text)', () => {
    expect(problems({ query: "SELECT :id::int, ':not_a_param' AS s -- :nor_this" , parameters: { id: 1 } })).toEqual([]);
    expect(problems({ query: 'SELECT `col:x` FROM t WHERE a = :a # :b', parameters: { a: 1 } })).toEqual([]);
  });
});
