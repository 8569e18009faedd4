import type { StepDefinition, VariableDeclaration } from '../flow-definition';
import { diffFlowVersions } from './flow-diff';

const s = (id: string, extra: Partial<StepDefinition> = {}): StepDefinition => ({
  id,
  name: `step_${id}`,
  type: 'http',
  config: { url: `/${id}` },
  assertions: [],
  continueOnFailure: false,
  runInBackground: false,
  ...extra,
});
const v = (name: string, extra: Partial<VariableDeclaration> = {}): VariableDeclaration => ({ name, type: 'string', required: false, ...extra });

describe('diffFlowVersions', () => {
  it('finds nothing between equal versions, whatever the key order of configs', () => {
    const a = { variables: [v('x')], steps: [s('a', { config: { url: '/a', method: 'GET' } })] };
    const b = { variables: [v('x')], steps: [s('a', { config: { method: 'GET', url: '/a' } })] };
    const diff = diffFlowVersions(a, b);
    expect(diff.identical).toBe(true);
    expect(diff.steps).toEqual({ added: [], removed: [], changed: [], moved: [] });
  });

  it('reports added, removed and changed steps by id, with the changed fields', () => {
    const from = { variables: [], steps: [s('a'), s('b'), s('c')] };
    const to = {
      variables: [],
      steps: [s('a', { name: 'renamed', timeoutMs: 500 }), s('c', { config: { url: '/c2' } }), s('d')],
    };
    const diff = diffFlowVersions(from, to);
    expect(diff.steps.added).toEqual([{ id: 'd', name: 'step_d', index: 2 }]);
    expect(diff.steps.removed).toEqual([{ id: 'b', name: 'step_b', index: 1 }]);
    expect(diff.steps.changed).toEqual([
      { id: 'a', name: 'renamed', previousName: 'step_a', fields: ['name', 'timeoutMs'] },
      { id: 'c', name: 'step_c', fields: ['config'] },
    ]);
    expect(diff.steps.moved).toEqual([]);
    expect(diff.identical).toBe(false);
  });

  it('does not call steps shifted by an insertion moved', () => {
    const diff = diffFlowVersions({ variables: [], steps: [s('a'), s('b')] }, { variables: [], steps: [s('new'), s('a'), s('b')] });
    expect(diff.steps.moved).toEqual([]);
    expect(diff.steps.added).toEqual([{ id: 'new', name: 'step_new', index: 0 }]);
  });

  it('reports the fewest moves for a reordering', () => {
    const swap = diffFlowVersions({ variables: [], steps: [s('a'), s('b'), s('c')] }, { variables: [], steps: [s('b'), s('a'), s('c')] });
    expect(swap.steps.moved).toHaveLength(1);
    const toEnd = diffFlowVersions(
      { variables: [], steps: [s('a'), s('b'), s('c'), s('d')] },
      { variables: [], steps: [s('b'), s('c'), s('d'), s('a')] },
    );
    expect(toEnd.steps.moved).toEqual([{ id: 'a', name: 'step_a', fromIndex: 0, toIndex: 3 }]);
    expect(toEnd.steps.changed).toEqual([]);
  });

  it('reports variables added, removed and changed by name, ignoring their order', () => {
    const diff = diffFlowVersions(
      { variables: [v('keep'), v('gone'), v('edit', { default: 'a' }), v('other')], steps: [] },
      { variables: [v('other'), v('keep'), v('edit', { default: 'b', required: true }), v('new')], steps: [] },
    );
    expect(diff.variables).toEqual({ added: ['new'], removed: ['gone'], changed: [{ name: 'edit', fields: ['default', 'required'] }] });
  });

  it('sees a changed flag or assertion', () => {
    const diff = diffFlowVersions(
      { variables: [], steps: [s('a')] },
      { variables: [], steps: [s('a', { runInBackground: true, assertions: [{ path: 'status', operator: 'equals', expected: 200 }] })] },
    );
    expect(diff.steps.changed).toEqual([{ id: 'a', name: 'step_a', fields: ['assertions', 'runInBackground'] }]);
  });

  it('sees a changed condition, allowFailure and flow defaults', () => {
    const diff = diffFlowVersions(
      { variables: [], steps: [s('a')] },
      { variables: [], steps: [s('a', { when: '${x} > 1', allowFailure: true })], defaults: { retry: { maxRetries: 2 } } },
    );
    expect(diff.steps.changed).toEqual([{ id: 'a', name: 'step_a', fields: ['allowFailure', 'when'] }]);
    expect(diff).toMatchObject({ defaultsChanged: true, identical: false });
    expect(diffFlowVersions({ variables: [], steps: [], defaults: {} }, { variables: [], steps: [] })).toMatchObject({ defaultsChanged: false, identical: true });
  });

  it('sees changed outputs', () => {
    const diff = diffFlowVersions({ variables: [], steps: [], outputs: { id: '${a.response.id}' } }, { variables: [], steps: [], outputs: { id: '${b.response.id}' } });
    expect(diff).toMatchObject({ outputsChanged: true, identical: false });
    expect(diffFlowVersions({ variables: [], steps: [], outputs: {} }, { variables: [], steps: [] })).toMatchObject({ outputsChanged: false, identical: true });
  });
});
