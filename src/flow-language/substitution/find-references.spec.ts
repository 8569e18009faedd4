import { findReferences } from './find-references';
import { SubstitutionError } from './substitution-error';

describe('findReferences', () => {
  it('lists variables, steps, env and functions with their pointers', () => {
    const config = {
      url: '${env.API_URL}/orders/${orderId}',
      headers: { 'X-Request-Id': '${uuid()}', Authorization: 'Bearer ${login.response.body.token}' },
      body: ['${order.status}', 42, '$${not.a.reference}'],
    };
    expect(findReferences(config)).toEqual([
      { expression: 'env.API_URL', root: 'API_URL', kind: 'env', functionNames: [], pointer: '/url', fieldPath: '' },
      { expression: 'orderId', root: 'orderId', kind: 'variable', functionNames: [], pointer: '/url', fieldPath: '' },
      { expression: 'uuid()', root: null, kind: 'function', functionNames: ['uuid'], pointer: '/headers/X-Request-Id', fieldPath: '' },
      {
        expression: 'login.response.body.token',
        root: 'login',
        kind: 'step',
        functionNames: [],
        pointer: '/headers/Authorization',
        fieldPath: 'response.body.token',
      },
      { expression: 'order.status', root: 'order', kind: 'step', functionNames: [], pointer: '/body/0', fieldPath: 'status' },
    ]);
  });

  it('finds roots inside function arguments', () => {
    expect(findReferences(`\${jsonpath(order.response, '$.items[0].id')}`)).toEqual([
      {
        expression: `jsonpath(order.response, '$.items[0].id')`,
        root: 'order',
        kind: 'step',
        functionNames: ['jsonpath'],
        pointer: '',
        fieldPath: 'response',
      },
    ]);
    const nested = findReferences('${randomString(randomInt(min, max))}');
    expect(nested.map((r) => [r.root, r.kind])).toEqual([
      ['min', 'variable'],
      ['max', 'variable'],
    ]);
    expect(nested[0].functionNames).toEqual(['randomString', 'randomInt']);
  });

  it('lists a repeated reference in one expression once', () => {
    expect(findReferences('${randomInt(n, n)}')).toHaveLength(1);
  });

  it('classifies roots exactly when step names are given', () => {
    const refs = findReferences(['${user.status}', '${order.total}'], { stepNames: ['order'] });
    expect(refs.map((r) => [r.root, r.kind])).toEqual([
      ['user', 'variable'],
      ['order', 'step'],
    ]);
  });

  it('guesses steps from response/request/status without step names', () => {
    const refs = findReferences(['${a.response}', '${b.request.body}', '${c.status}', '${d.body}', '${e}']);
    expect(refs.map((r) => r.kind)).toEqual(['step', 'step', 'step', 'variable', 'variable']);
  });

  it('prefixes the given pointer', () => {
    expect(findReferences({ a: '${x}' }, { pointer: '/steps/0/config' })[0].pointer).toBe('/steps/0/config/a');
  });

  it('returns nothing for values without references', () => {
    expect(findReferences({ a: 'plain', b: [1, null, true], c: '$${escaped}' })).toEqual([]);
  });

  it('throws the first malformed expression with its pointer', () => {
    const act = () => findReferences({ steps: [{ url: '${guid()}' }] });
    expect(act).toThrow(SubstitutionError);
    expect(act).toThrow(/unknown function "guid"/);
    try {
      act();
    } catch (error) {
      expect((error as SubstitutionError).path).toBe('/steps/0/url');
    }
  });
});
