import { normalizeSteps, normalizeVariables, stepTypesOf } from './flow-normalizer';

describe('flow normaliser', () => {
  it('spells out defaults and drops undefined members', () => {
    const [step] = normalizeSteps([{ id: 'x', name: 'a', type: 'http', config: { url: '/', skip: undefined } }]);
    expect(step).toEqual({ id: 'x', name: 'a', type: 'http', config: { url: '/' }, assertions: [], continueOnFailure: false, runInBackground: false });
    expect(Object.keys(step)).not.toContain('timeoutMs');
    expect(normalizeVariables([{ name: 'v', type: 'number', default: 3, description: '' }])).toEqual([
      { name: 'v', type: 'number', required: false, default: 3 },
    ]);
  });

  it('generates uuids for new steps and keeps the previous id of a step with the same name', () => {
    const previous = normalizeSteps([
      { name: 'a', type: 'http', config: {} },
      { name: 'b', type: 'http', config: {} },
    ]);
    expect(previous[0].id).toMatch(/^[0-9a-f-]{36}$/);
    const next = normalizeSteps(
      [
        { name: 'b', type: 'http', config: {} },
        { name: 'a', type: 'delay', config: {} },
        { name: 'c', type: 'http', config: {} },
      ],
      previous,
    );
    expect(next.map((s) => s.id).slice(0, 2)).toEqual([previous[1].id, previous[0].id]);
    expect(new Set(next.map((s) => s.id)).size).toBe(3);
  });

  it('never reuses an id another step claims explicitly', () => {
    const previous = normalizeSteps([{ id: 'p1', name: 'a', type: 'http', config: {} }]);
    const next = normalizeSteps(
      [
        { id: 'p1', name: 'z', type: 'http', config: {} },
        { name: 'a', type: 'http', config: {} },
      ],
      previous,
    );
    expect(next[0].id).toBe('p1');
    expect(next[1].id).not.toBe('p1');
  });

  it('lists distinct step types', () => {
    expect(stepTypesOf(normalizeSteps([
      { name: 'a', type: 'sql', config: {} },
      { name: 'b', type: 'http', config: {} },
      { name: 'c', type: 'sql', config: {} },
    ]))).toEqual(['http', 'sql']);
  });
});
