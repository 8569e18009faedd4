import { describeGraphqlErrors, errorsFailStep, parseGraphqlBody, readsErrors } from './graphql-response';

const URL = 'http://api.test/graphql';
const parse = (status: number, body: string, contentType = 'application/json') => parseGraphqlBody(status, contentType, Buffer.from(body), URL);

describe('graphql response reading', () => {
  it('takes data, errors and extensions from a GraphQL body whatever the status', () => {
    expect(parse(200, '{"data":{"order":{"id":"1"}}}')).toEqual({ data: { order: { id: '1' } } });
    expect(parse(400, '{"errors":[{"message":"bad"}]}')).toEqual({ data: null, errors: [{ message: 'bad' }] });
    expect(parse(200, '{"data":null,"errors":[],"extensions":{"cost":3}}')).toEqual({ data: null, errors: [], extensions: { cost: 3 } });
  });

  it('names the status and quotes the body of anything that is not a GraphQL response', () => {
    expect(parse(500, '<html>Bad gateway</html>', 'text/html')).toBe(`GraphQL request to ${URL} failed: HTTP 500 with a non-JSON body (text/html), not a GraphQL response: <html>Bad gateway</html>`);
    expect(parse(502, '')).toBe(`GraphQL request to ${URL} failed: HTTP 502 with an empty body, not a GraphQL response`);
    expect(parse(200, '{"message":"not found"}')).toBe(`GraphQL request to ${URL} failed: HTTP 200 with JSON without data or errors, not a GraphQL response: {"message":"not found"}`);
    expect(parse(200, '[1,2]')).toMatch(/JSON without data or errors/);
  });

  it('tells assertion paths that read errors from the others', () => {
    for (const path of ['errors', 'errors.0.message', 'errors[0].path', '$.errors', "$['errors'][0]", '$errors']) expect({ path, reads: readsErrors(path) }).toEqual({ path, reads: true });
    for (const path of ['data.errors', 'errorsCount', 'status', 'data.order.errors.0', '$.data']) expect({ path, reads: readsErrors(path) }).toEqual({ path, reads: false });
  });

  it('fails on non-empty errors unless an assertion reads them', () => {
    expect(errorsFailStep([{ message: 'x' }], [])).toBe(true);
    expect(errorsFailStep([{ message: 'x' }], ['data.order', 'errors.0.message'])).toBe(false);
    expect(errorsFailStep([], undefined)).toBe(false);
    expect(errorsFailStep(undefined, undefined)).toBe(false);
    expect(errorsFailStep('broken', undefined)).toBe(true);
  });

  it('describes the first error with its path and counts the others', () => {
    expect(describeGraphqlErrors([{ message: 'Order 42 not found', path: ['order', 'items', 0] }, { message: 'b' }, { message: 'c' }])).toBe(
      'GraphQL error: Order 42 not found at path order.items.0 (and 2 more errors). To expect errors, assert on them (e.g. errors.0.message): the step then returns them instead of failing',
    );
    expect(describeGraphqlErrors([{ message: 'denied' }])).toMatch(/^GraphQL error: denied\. /);
    expect(describeGraphqlErrors('weird')).toMatch(/^GraphQL error: "weird"\. /);
  });
});
