import { resolveRunVariables } from './run-variables';

describe('resolveRunVariables', () => {
  const declared = [
    { name: 'baseUrl', type: 'string' as const, default: 'http://localhost' },
    { name: 'count', type: 'number' as const, required: true },
    { name: 'dryRun', type: 'boolean' as const, default: false },
    { name: 'payload', type: 'json' as const },
  ];

  it('applies defaults and overrides them with run values', () => {
    const { values, problems } = resolveRunVariables(declared, [
      { name: 'count', value: 3 },
      { name: 'baseUrl', value: 'http://svc' },
    ]);
    expect(problems).toEqual([]);
    expect(values).toEqual({ baseUrl: 'http://svc', count: 3, dryRun: false });
  });

  it('converts text values to the declared type', () => {
    const { values } = resolveRunVariables(declared, [
      { name: 'count', value: '42' },
      { name: 'dryRun', value: 'true' },
      { name: 'payload', value: '{"a":1}' },
    ]);
    expect(values).toMatchObject({ count: 42, dryRun: true, payload: { a: 1 } });
  });

  it('names type errors and missing required variables', () => {
    const { problems } = resolveRunVariables(declared, [{ name: 'dryRun', value: 'maybe' }]);
    expect(problems).toEqual([
      { field: 'variables.0.value', message: 'variable "dryRun": expected a boolean' },
      { field: 'variables', message: 'variable "count" is required' },
    ]);
  });

  it('refuses a run type that contradicts the declaration', () => {
    const { problems } = resolveRunVariables(declared, [{ name: 'count', value: 1, type: 'string' }]);
    expect(problems[0].message).toContain('declared as number');
  });

  it('accepts undeclared variables as given', () => {
    expect(resolveRunVariables([], [{ name: 'extra', value: { x: 1 } }]).values).toEqual({ extra: { x: 1 } });
  });
});
