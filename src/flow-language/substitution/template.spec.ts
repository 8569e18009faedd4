import { SubstitutionError } from './substitution-error';
import { parseTemplate } from './template';

describe('parseTemplate', () => {
  it('returns plain text as one text part', () => {
    expect(parseTemplate('no references')).toEqual([{ kind: 'text', text: 'no references' }]);
    expect(parseTemplate('')).toEqual([]);
  });

  it('splits text and expressions', () => {
    expect(parseTemplate('a ${x} b ${y.z}')).toEqual([
      { kind: 'text', text: 'a ' },
      { kind: 'expression', source: 'x', node: { kind: 'reference', root: 'x', path: [] } },
      { kind: 'text', text: ' b ' },
      { kind: 'expression', source: 'y.z', node: { kind: 'reference', root: 'y', path: ['z'] } },
    ]);
  });

  it('turns $${ into a literal ${', () => {
    expect(parseTemplate('$${x} and $${')).toEqual([{ kind: 'text', text: '${x} and ${' }]);
  });

  it('reads a $ before $${ as text, left to right', () => {
    expect(parseTemplate('$$${x}')).toEqual([{ kind: 'text', text: '$${x}' }]);
  });

  it('ends an expression at the first "}" outside quotes', () => {
    const parts = parseTemplate(`\${jsonpath(a, '$[?(@.n == "}")]')}!`);
    expect(parts).toHaveLength(2);
    expect(parts[0]).toMatchObject({ kind: 'expression', source: `jsonpath(a, '$[?(@.n == "}")]')` });
    expect(parts[1]).toEqual({ kind: 'text', text: '!' });
  });

  it('refuses an unterminated ${ with a hint about the escape', () => {
    expect(() => parseTemplate('total ${a')).toThrow(SubstitutionError);
    expect(() => parseTemplate('total ${a')).toThrow('${a: unterminated "${" (write "$${" for a literal "${")');
    expect(() => parseTemplate("${now('+5m)}")).toThrow('unterminated');
  });

  it('shortens a long unterminated snippet', () => {
    try {
      parseTemplate('${' + 'x'.repeat(100));
      throw new Error('expected a throw');
    } catch (error) {
      expect((error as SubstitutionError).reference).toHaveLength(41);
      expect((error as SubstitutionError).reference.endsWith('…')).toBe(true);
    }
  });

  it('refuses an empty expression', () => {
    expect(() => parseTemplate('${}')).toThrow('${}: the expression is empty');
  });
});
