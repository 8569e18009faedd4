import { resolveEntryVariables } from './suite-variables';

describe('resolveEntryVariables', () => {
  const declared = [
    { name: 'baseUrl', type: 'string' as const, required: true },
    { name: 'count', type: 'number' as const, default: 1 },
  ];

  it('lets entry variables override suite variables and run variables override both', () => {
    const { variables, problems } = resolveEntryVariables(
      declared,
      [
        { field: 'variables', variables: [{ name: 'baseUrl', value: 'http://suite' }, { name: 'count', value: 2 }] },
        { field: 'entries.0.variables', variables: [{ name: 'count', value: 3 }] },
        { field: 'runVariables', variables: [{ name: 'baseUrl', value: 'http://run' }] },
      ],
      'entries.0',
      'f',
    );
    expect(problems).toEqual([]);
    expect(Object.fromEntries(variables.map((v) => [v.name, v.value]))).toEqual({ baseUrl: 'http://run', count: 3 });
  });

  it('names the entry when a required variable has no value', () => {
    const { problems } = resolveEntryVariables(declared, [{ field: 'entries.2.variables', variables: [] }], 'entries.2', 'Create order');
    expect(problems).toEqual([{ field: 'entries.2.variables', message: 'flow "Create order": variable "baseUrl" is required' }]);
  });

  it('names the layer and index of a value of the wrong type', () => {
    const { problems } = resolveEntryVariables(
      declared,
      [
        { field: 'variables', variables: [{ name: 'baseUrl', value: 'x' }] },
        { field: 'entries.1.variables', variables: [{ name: 'other', value: 1 }, { name: 'count', value: 'many' }] },
      ],
      'entries.1',
      'f',
    );
    expect(problems).toEqual([{ field: 'entries.1.variables.1.value', message: 'flow "f": variable "count": expected a number' }]);
  });

  it('does not report a bad suite value that an entry overrides', () => {
    const { problems } = resolveEntryVariables(
      declared,
      [
        { field: 'variables', variables: [{ name: 'baseUrl', value: 'x' }, { name: 'count', value: 'many' }] },
        { field: 'entries.0.variables', variables: [{ name: 'count', value: 5 }] },
      ],
      'entries.0',
      'f',
    );
    expect(problems).toEqual([]);
  });
});
