import type { SubstitutionScope } from '../substitution/substitution-scope';
import { ConditionEvaluationError } from './condition-error';
import { parseCondition } from './condition-parser';
import { evaluateCondition } from './evaluate-condition';

const scope: SubstitutionScope = {
  variables: { region: 'us', limit: 100, flag: true, tags: ['a', 'b'], count: '42' },
  steps: { order: { status: 'SUCCESS', response: { body: { amount: 150, createdAt: '2026-01-01T10:00:00Z' } } }, skipped: { status: 'SKIPPED' } },
  env: {},
};
const run = (text: string) => evaluateCondition(text, parseCondition(text), scope);

describe('evaluateCondition', () => {
  it('shows the condition with the values it read', () => {
    expect(run("${order.response.body.amount} > 100 && ${region} == 'eu'")).toEqual({ value: false, evaluated: `150 > 100 && "us" == 'eu'` });
  });

  it('compares numbers, numeric strings either side and ISO dates', () => {
    expect(run('${count} == 42').value).toBe(true);
    expect(run('42 == ${count}').value).toBe(true);
    expect(run('${count} >= 42 && 41 < ${count}').value).toBe(true);
    expect(run("${order.response.body.createdAt} < '2026-01-02T00:00:00Z'").value).toBe(true);
    expect(run('${limit} != 100').value).toBe(false);
  });

  it('tests membership in arrays and texts', () => {
    expect(run("${region} in ['eu', 'us']").value).toBe(true);
    expect(run("'c' in ${tags}").value).toBe(false);
    expect(run("'s' in ${region}").value).toBe(true);
  });

  it('negates and short-circuits (a skipped step is not read past its status)', () => {
    expect(run("${skipped.status} == 'SUCCESS' && ${skipped.response.body.x} > 1")).toEqual({
      value: false,
      evaluated: `"SKIPPED" == 'SUCCESS' && \${skipped.response.body.x} > 1`,
    });
    expect(run('!${flag} || ${limit} > 1').value).toBe(true);
  });

  it('refuses operands of the wrong type', () => {
    expect(() => run("${region} > 'a'")).toThrow(ConditionEvaluationError);
    expect(() => run('${limit} && true')).toThrow('&& needs true or false, got 100');
    expect(() => run('${limit}')).toThrow('the condition gives 100, not true or false');
    expect(() => run('1 in 2')).toThrow('"in" needs an array');
  });

  it('fails clearly on a reference it cannot read', () => {
    expect(() => run('${skipped.response.body.x} > 1')).toThrow('${skipped.response.body.x}: step "skipped" has no value at "response.body.x"');
  });
});
