import { SourceMap } from './source-positions';

describe('SourceMap.positionOf', () => {
  const yaml = `name: Orders
steps:
  - name: create
    type: http
    config:
      url: http://x
  - name: check
    type: http
    config: {}
`;

  it('points a scalar at its key, a list item at its start, and an absent property at its parent', () => {
    const { map } = SourceMap.parse(yaml);
    expect(map.positionOf('/steps/0/config/url')).toEqual({ line: 6, col: 7 });
    expect(map.positionOf('/steps/1')).toEqual({ line: 7, col: 5 });
    expect(map.positionOf('/steps/1/config/url')).toEqual({ line: 9, col: 5 });
    expect(map.positionOf('')).toEqual({ line: 1, col: 1 });
  });

  it('reads JSON with positions, and reports syntax errors with a line', () => {
    const { map, value } = SourceMap.parse('{\n  "name": "a",\n  "steps": [\n    {"name": "x"}\n  ]\n}\n');
    expect(value).toEqual({ name: 'a', steps: [{ name: 'x' }] });
    expect(map.positionOf('/steps/0/name')).toEqual({ line: 4, col: 6 });
    const broken = SourceMap.parse('name: a\nsteps: [\n');
    expect(broken.errors[0].position.line).toBeGreaterThanOrEqual(2);
  });
});
