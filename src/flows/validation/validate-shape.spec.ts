import { FlowDefinitionDto, UpdateFlowDto } from '../dto/flow-definition.dto';
import { FLOW_LIMITS } from '../flow-limits';
import { validateShape } from './validate-shape';

const pointers = (raw: unknown, cls: new () => object = FlowDefinitionDto) => validateShape(cls, raw).problems.map((p) => p.pointer);

describe('validateShape (flow DTOs → JSON pointers)', () => {
  const step = (extra: Record<string, unknown> = {}) => ({ name: 'a', type: 'http', config: {}, ...extra });

  it('accepts a minimal flow', () => {
    expect(validateShape(FlowDefinitionDto, { name: 'f' }).problems).toEqual([]);
  });

  it('reports nested problems as pointers with field = pointer', () => {
    const { problems } = validateShape(FlowDefinitionDto, { name: 'f', steps: [step(), step({ timeoutMs: 0 })] });
    expect(problems).toEqual([{ pointer: '/steps/1/timeoutMs', field: '/steps/1/timeoutMs', message: 'timeoutMs must not be less than 1' }]);
  });

  it('checks step and variable names, limits, retry bounds and assertions', () => {
    expect(
      pointers({
        name: '',
        tags: ['x'.repeat(51)],
        variables: [{ name: '1bad', type: 'date' }],
        steps: [
          step({ name: 'has space', timeoutMs: 3_600_001, retry: { maxRetries: -1, backoffMultiplier: 0.5 } }),
          step({ assertions: [{ path: 'status', operator: 'roughly', expected: 1 }], unknown: true }),
          step({ config: [] }),
        ],
      }).sort(),
    ).toEqual(
      [
        '/name',
        '/tags',
        '/variables/0/name',
        '/variables/0/type',
        '/steps/0/name',
        '/steps/0/timeoutMs',
        '/steps/0/retry/maxRetries',
        '/steps/0/retry/backoffMultiplier',
        '/steps/1/assertions/0/operator',
        '/steps/1/unknown',
        '/steps/2/config',
      ].sort(),
    );
  });

  it('limits steps, variables and assertions per step', () => {
    const many = (n: number, make: (i: number) => object) => Array.from({ length: n }, (_, i) => make(i));
    expect(pointers({ name: 'f', steps: many(FLOW_LIMITS.steps, (i) => step({ name: `s${i}` })) })).toEqual([]);
    expect(pointers({ name: 'f', steps: many(FLOW_LIMITS.steps + 1, (i) => step({ name: `s${i}` })) })).toEqual(['/steps']);
    expect(pointers({ name: 'f', variables: many(FLOW_LIMITS.variables + 1, (i) => ({ name: `v${i}`, type: 'string' })) })).toEqual(['/variables']);
    expect(pointers({ name: 'f', steps: [step({ assertions: many(FLOW_LIMITS.assertionsPerStep + 1, () => ({ path: 'status', operator: 'exists' })) })] })).toEqual([
      '/steps/0/assertions',
    ]);
  });

  it('uses the assertion DTO of the engine (operator-specific expected values)', () => {
    const { problems } = validateShape(FlowDefinitionDto, {
      name: 'f',
      steps: [step({ assertions: [{ path: 'body', operator: 'matches', expected: '(' }, { path: 'body', operator: 'in', expected: '${list}' }] })],
    });
    expect(problems.map((p) => p.pointer)).toEqual(['/steps/0/assertions/0/expected']);
  });

  it('refuses non-objects', () => {
    expect(validateShape(FlowDefinitionDto, [1]).problems).toEqual([{ pointer: '', field: '', message: 'must be a JSON object' }]);
    expect(pointers({ name: 'f', steps: ['nope'] })).toEqual(['/steps/0']);
  });

  it('makes every field optional in an update', () => {
    expect(pointers({}, UpdateFlowDto)).toEqual([]);
    expect(pointers({ description: 'x', baseVersion: 0 }, UpdateFlowDto)).toEqual(['/baseVersion']);
    expect(pointers({ name: '' }, UpdateFlowDto)).toEqual(['/name']);
  });
});
