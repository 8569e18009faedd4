import fc from 'fast-check';
import { unquoteGoString } from '../../../test/support/fake-loki-server';
import { StepError } from '../../steps/step-plugin';
import { applyLabelValues, findPlaceholders } from './promql-label-values';

describe('findPlaceholders', () => {
  it('finds $name outside strings and comments only', () => {
    const query = [
      'sum(rate(http_requests_total{service=$service, path=~"/api/$v1", code=\'$code\'}[5m]))',
      ' / on() `$raw` # per $comment',
      ' + $other_1',
    ].join('\n');
    expect(findPlaceholders(query).map((p) => p.name)).toEqual(['service', 'other_1']);
  });

  it('skips escaped quotes inside strings', () => {
    expect(findPlaceholders('x{a="q\\"$no", b=$yes}').map((p) => p.name)).toEqual(['yes']);
  });

  it('ignores a bare $ and a leftover ${', () => {
    expect(findPlaceholders('a $ b ${c} $1')).toEqual([]);
  });
});

describe('applyLabelValues', () => {
  it('inserts each value as an escaped string literal', () => {
    expect(applyLabelValues('odd_labels{path=$path}', { path: 'a"b\\c' })).toBe('odd_labels{path="a\\"b\\\\c"}');
  });

  it('replaces every use and leaves the rest of the query intact', () => {
    expect(applyLabelValues('a{x=$v} / b{x=$v, y="$v"}', { v: 'q' })).toBe('a{x="q"} / b{x="q", y="$v"}');
  });

  it('leaves a query without placeholders unchanged', () => {
    expect(applyLabelValues('up', undefined)).toBe('up');
  });

  it('names missing placeholders and the defined ones', () => {
    expect(() => applyLabelValues('a{x=$x, y=$y}', { x: '1' })).toThrow(new StepError('query uses $y but labelValues defines "x"; add "y" to labelValues'));
  });

  it('does not treat placeholders inside a value as placeholders', () => {
    expect(applyLabelValues('a{x=$x, y=$y}', { x: '$y', y: 'z' })).toBe('a{x="$y", y="z"}');
  });

  it('round-trips any value through the Go unquoting PromQL uses', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (value) => {
        const query = applyLabelValues('m{l=$v}', { v: value });
        const literal = query.slice('m{l='.length, -1);
        expect(unquoteGoString(literal)).toBe(value);
        expect(findPlaceholders(query)).toEqual([]);
      }),
    );
  });
});
