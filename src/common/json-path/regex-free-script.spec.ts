import { JSONPath } from 'jsonpath-plus';
import { RegexFreeScript } from './regex-free-script';

const query = (path: string, json: unknown) => JSONPath({ path, json: json as object, wrap: true, eval: RegexFreeScript, ignoreEvalErrors: true });

describe('RegexFreeScript', () => {
  const items = [{ sku: 'A-1', qty: 2, tags: ['x'] }, { sku: 'B-2', qty: 5, tags: [] }];

  it('runs ordinary filters', () => {
    expect(query('$[?(@.sku == "A-1")].qty', items)).toEqual([2]);
    expect(query('$[?(@.qty > 3 && @.tags.length == 0)].sku', items)).toEqual(['B-2']);
    expect(query('$[?(@.sku.startsWith("B") || @["qty"] == 2)].sku', items)).toEqual(['A-1', 'B-2']);
    expect(query('$[?(@.tags[0] == "x")].sku', items)).toEqual(['A-1']);
  });

  it('refuses regex literals and the string methods that run or build regexes', () => {
    for (const [filter, named] of [
      ['@.sku.match(/^(a+)+$/)', 'the regular expression /^(a+)+$/'],
      ['@.sku.replace(/a/, "b") == "b"', 'the regular expression /a/'],
      ['@.sku.match("^(a+)+$")', '.match()'],
      ['@.sku.search("a") >= 0', '.search()'],
      ['@.sku["matchAll"]("a")', '.matchAll()'],
      ['@.sku.repeat(100000000).length > 0', '.repeat()'],
      ['@.sku[@.key]("a")', 'a computed property name'],
    ]) {
      expect(() => query(`$[?(${filter})]`, items)).toThrow(`${named} is not allowed in a JSONPath filter`);
    }
  });
});
