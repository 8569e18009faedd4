import { ConditionSyntaxError } from './condition-error';
import { conditionReferences, parseCondition } from './condition-parser';

describe('parseCondition', () => {
  it('gives && precedence over || and comparisons over &&', () => {
    const node = parseCondition("${a} > 1 || ${b} == 'x' && !${c}");
    expect(node).toMatchObject({
      kind: 'logical',
      operator: '||',
      left: { kind: 'comparison', operator: '>', left: { kind: 'reference', source: 'a' }, right: { kind: 'literal', value: 1 } },
      right: { kind: 'logical', operator: '&&', left: { kind: 'comparison', operator: '==' }, right: { kind: 'not', operand: { kind: 'reference', source: 'c' } } },
    });
  });

  it('honours parentheses', () => {
    expect(parseCondition('(${a} || ${b}) && ${c}')).toMatchObject({ kind: 'logical', operator: '&&', left: { kind: 'logical', operator: '||' } });
  });

  it('reads literals of every type, arrays and the in operator', () => {
    expect(parseCondition('${r} in ["eu", \'us\', 3, -1.5, true, false, null, []]')).toMatchObject({
      kind: 'comparison',
      operator: 'in',
      right: { kind: 'array', items: [{ value: 'eu' }, { value: 'us' }, { value: 3 }, { value: -1.5 }, { value: true }, { value: false }, { value: null }, { kind: 'array', items: [] }] },
    });
  });

  it('tells <= from < and != from !', () => {
    expect(parseCondition('${a} <= 2')).toMatchObject({ operator: '<=' });
    expect(parseCondition('${a} != 2')).toMatchObject({ operator: '!=' });
    expect(parseCondition('!(${a} < 2)')).toMatchObject({ kind: 'not', operand: { operator: '<' } });
  });

  it('keeps function calls and quoted braces inside references, with their spans', () => {
    const text = "${jsonpath(s.response, '$.a}')} == ${now()}";
    const refs = conditionReferences(parseCondition(text));
    expect(refs.map((r) => r.source)).toEqual(["jsonpath(s.response, '$.a}')", 'now()']);
    expect(text.slice(refs[0].start, refs[0].end)).toBe("${jsonpath(s.response, '$.a}')}");
  });

  it.each([
    ['', 'the condition is empty at character 1'],
    ['${a} >', 'expected a value, a ${...} reference or "(" at character 7'],
    ['${a} == 1 2', 'unexpected "2" at character 11'],
    ['(${a}', 'missing ")" at character 1'],
    ['${a', 'unterminated "${" at character 1'],
    ['region == 1', '"region" is not a value: write ${region} to read a variable or step, or quote a text at character 1'],
    ['1 < ${a} < 3', 'comparisons do not chain; join them with && or || at character 10'],
    ["${a} == 'x", 'unterminated string at character 9'],
    ['${nope(1)} == 1', '${nope(1)}: unknown function "nope"'],
    ['[1, 2', 'missing "]" at character 1'],
    ['${a} & ${b}', 'unexpected "&" at character 6'],
  ])('refuses %j with a position', (text, message) => {
    let error: unknown;
    try {
      parseCondition(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConditionSyntaxError);
    expect((error as Error).message).toContain(message);
  });
});
