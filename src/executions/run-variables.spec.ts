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

  it('evaluates function defaults once per run, typed as declared', () => {
    const withFunctions = [
      { name: 'orderId', type: 'string' as const, default: 'o-${uuid()}' },
      { name: 'at', type: 'string' as const, default: '${now()}' },
      { name: 'n', type: 'number' as const, default: '${randomInt(5, 5)}' },
      { name: 'kept', type: 'string' as const, default: '${uuid()}' },
    ];
    const { values, problems } = resolveRunVariables(withFunctions, [{ name: 'kept', value: 'mine' }], () => Date.UTC(2026, 0, 2));
    expect(problems).toEqual([]);
    expect(values.orderId).toMatch(/^o-[0-9a-f-]{36}$/);
    expect(values.at).toBe('2026-01-02T00:00:00.000Z');
    expect(values.n).toBe(5);
    expect(values.kept).toBe('mine');
    expect(resolveRunVariables(withFunctions, []).values.orderId).not.toBe(values.orderId);
  });
});
